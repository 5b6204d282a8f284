import { cn } from "~/_components/cn";
import { StateIcon } from "~/_components/state-badge";
import { SKIPPED_STYLE } from "~/_components/state-style";

/** The badge of a skipped task (no attempt, so no StateBadge): icon and the word, reason on hover. */
export function SkippedBadge({ reason, className }: { reason: string; className?: string }) {
  return (
    <span
      title={`skipped: ${reason}`}
      className={cn(
        "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium",
        SKIPPED_STYLE.badge,
        className,
      )}
    >
      <StateIcon icon={SKIPPED_STYLE.icon} />
      <span>skipped</span>
    </span>
  );
}
