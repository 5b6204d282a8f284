"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { Button, ErrorText, Field, inputClass } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";

export function LoginForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.auth.status.queryOptions());
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");

  const onDone = async () => {
    await queryClient.invalidateQueries();
    router.replace("/projects");
    router.refresh();
  };
  const setup = useMutation(trpc.auth.setup.mutationOptions({ onSuccess: onDone }));
  const login = useMutation(trpc.auth.login.mutationOptions({ onSuccess: onDone }));

  useEffect(() => {
    if (status.data?.user) router.replace("/projects");
  }, [status.data?.user, router]);

  if (status.isPending) {
    return (
      <div className="rounded-xl border border-slate-200 bg-white p-6 text-sm text-slate-500">
        Loading…
      </div>
    );
  }
  if (status.isError) {
    return <ErrorText>Could not reach the server: {status.error.message}</ErrorText>;
  }

  const needsSetup = status.data.needsSetup;
  const mutation = needsSetup ? setup : login;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate({ username: username.trim(), password });
  };

  return (
    <form
      onSubmit={submit}
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
    >
      <div>
        <h1 className="text-lg font-semibold">
          {needsSetup ? "Create the admin account" : "Sign in"}
        </h1>
        <p className="mt-1 text-sm text-slate-500">
          {needsSetup
            ? "This is a fresh Shoal. The first account administers every project."
            : "Sign in to your Shoal account."}
        </p>
      </div>
      <Field label="Username">
        <input
          name="username"
          autoComplete="username"
          required
          autoFocus
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          className={inputClass}
        />
      </Field>
      <Field label="Password">
        <input
          name="password"
          type="password"
          autoComplete={needsSetup ? "new-password" : "current-password"}
          required
          minLength={needsSetup ? 8 : undefined}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          className={inputClass}
        />
      </Field>
      {mutation.error && <ErrorText>{mutation.error.message}</ErrorText>}
      <Button type="submit" variant="primary" className="w-full" disabled={mutation.isPending}>
        {mutation.isPending ? "Please wait…" : needsSetup ? "Create admin and sign in" : "Sign in"}
      </Button>
    </form>
  );
}
