import { cn } from "./cn";
import { stateStyle, type StateIcon as IconName } from "./state-style";

export function StateIcon({ icon, className }: { icon: IconName; className?: string }) {
  const common = {
    className: cn("size-3.5 shrink-0", icon === "spinner" && "motion-safe:animate-spin", className),
    viewBox: "0 0 16 16",
    fill: "none",
    stroke: "currentColor",
    strokeWidth: 2,
    strokeLinecap: "round" as const,
    strokeLinejoin: "round" as const,
    "aria-hidden": true,
  };
  switch (icon) {
    case "check":
      return (
        <svg {...common}>
          <path d="M3 8.5l3.2 3L13 4.5" />
        </svg>
      );
    case "cross":
      return (
        <svg {...common}>
          <path d="M4 4l8 8M12 4l-8 8" />
        </svg>
      );
    case "spinner":
      return (
        <svg {...common}>
          <path d="M8 2a6 6 0 1 1-6 6" />
        </svg>
      );
    case "clock":
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="6" />
          <path d="M8 5v3.2l2 1.3" />
        </svg>
      );
    case "pause":
      return (
        <svg {...common}>
          <path d="M6 4v8M10 4v8" />
        </svg>
      );
    case "stop":
      return (
        <svg {...common}>
          <rect x="4" y="4" width="8" height="8" rx="1" fill="currentColor" />
        </svg>
      );
    case "arrows":
      return (
        <svg {...common}>
          <path d="M3 6h9l-2-2M13 10H4l2 2" />
        </svg>
      );
    case "queue":
      return (
        <svg {...common}>
          <path d="M3 4h10M3 8h10M3 12h6" />
        </svg>
      );
    case "skip":
      return (
        <svg {...common}>
          <path d="M3 4l5 4-5 4M9 4v8" />
        </svg>
      );
    case "dot":
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="3" />
        </svg>
      );
  }
}

/** A state with its colour, icon and name: colour is never the only signal. */
export function StateBadge({
  state,
  className,
  testId,
}: {
  state: string | null | undefined;
  className?: string;
  testId?: string;
}) {
  const s = stateStyle(state);
  return (
    <span
      key={state ?? "none"}
      title={s.hint}
      className={cn(
        "state-enter inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        s.badge,
        className,
      )}
    >
      <StateIcon icon={s.icon} />
      <span data-testid={testId}>{state ?? "NOT_STARTED"}</span>
    </span>
  );
}
