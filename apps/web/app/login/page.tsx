import type { Metadata } from "next";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default function LoginPage() {
  return (
    <main className="flex min-h-full items-center justify-center px-4 py-16">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex items-center justify-center gap-2">
          <ShoalMark />
          <span className="text-2xl font-semibold tracking-tight">Shoal</span>
        </div>
        <LoginForm />
      </div>
    </main>
  );
}

function ShoalMark() {
  return (
    <svg viewBox="0 0 32 32" className="size-8 text-sky-600" aria-hidden>
      <circle cx="8" cy="16" r="4" fill="currentColor" />
      <circle cx="24" cy="8" r="4" fill="currentColor" opacity="0.7" />
      <circle cx="24" cy="24" r="4" fill="currentColor" opacity="0.7" />
      <path d="M11 14.5L21 9.5M11 17.5l10 5" stroke="currentColor" strokeWidth="2" />
    </svg>
  );
}
