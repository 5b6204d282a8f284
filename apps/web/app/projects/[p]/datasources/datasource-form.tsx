"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type ComponentProps, type FormEvent, type ReactNode } from "react";
import { Button, ErrorText, inputClass, Spinner } from "~/_components/ui";
import { useTRPC } from "~/trpc/react";
import type { Datasource } from "./datasource-list";

const DEFAULT_PORT = { postgresql: 5432, mysql: 3306 } as const;
const SSL_MODES = ["disable", "require", "verify-full"] as const;
type SslMode = (typeof SSL_MODES)[number];

/** Create or edit a data source; "Test connection" tries the values as typed, before saving. */
export function DatasourceForm({
  projectId,
  existing,
  onDone,
}: {
  projectId: string;
  existing: Datasource | null;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [v, setV] = useState({
    name: existing?.name ?? "",
    type: existing?.type ?? ("postgresql"),
    host: existing?.host ?? "127.0.0.1",
    port: String(existing?.port ?? DEFAULT_PORT.postgresql),
    database: existing?.database ?? "",
    username: existing?.username ?? "",
    password: "",
    removePassword: false,
    ssl: (existing?.options.ssl as SslMode | undefined) ?? "disable",
    description: existing?.description ?? "",
  });
  const set = <K extends keyof typeof v>(key: K, value: (typeof v)[K]) =>
    setV((s) => ({ ...s, [key]: value }));

  const connection = () => ({
    projectId,
    type: v.type,
    host: v.host.trim(),
    port: Number(v.port),
    database: v.database.trim(),
    username: v.username.trim(),
    options: { ssl: v.ssl },
  });
  // Editing: a blank password keeps the stored one (the API's `undefined`), unless asked to remove it.
  const password = existing ? (v.removePassword ? "" : v.password || undefined) : v.password;

  const done = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.datasource.list.queryKey({ projectId }) });
    onDone();
  };
  const create = useMutation(trpc.datasource.create.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.datasource.update.mutationOptions({ onSuccess: done }));
  const test = useMutation(trpc.datasource.test.mutationOptions());
  const save = existing ? update : create;
  const fieldErrors = (save.error?.data?.zodError?.fieldErrors ?? {}) as Record<
    string,
    string[] | undefined
  >;
  const otherError =
    save.error && Object.keys(fieldErrors).length === 0 ? save.error.message : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fields = { ...connection(), name: v.name.trim(), description: v.description };
    if (existing) update.mutate({ ...fields, datasourceId: existing.id, password });
    else create.mutate({ ...fields, password: v.password });
  };
  const runTest = () =>
    test.mutate({
      ...connection(),
      password,
      datasourceId: existing && password === undefined ? existing.id : undefined,
    });

  const field = (key: string, label: string, control: ReactNode, hint?: ReactNode) => (
    <div>
      <label htmlFor={`${id}-${key}`} className="mb-1 block text-xs font-medium text-slate-600">
        {label}
      </label>
      {control}
      {hint && <p className="mt-1 text-xs text-slate-500">{hint}</p>}
      {fieldErrors[key]?.[0] && (
        <p role="alert" className="mt-1 text-xs text-red-600">
          {fieldErrors[key][0]}
        </p>
      )}
    </div>
  );
  const input = (
    key: "name" | "host" | "database" | "username" | "description",
    extra: ComponentProps<"input"> = {},
  ) => (
    <input
      id={`${id}-${key}`}
      name={key}
      className={inputClass}
      value={v[key]}
      onChange={(e) => set(key, e.target.value)}
      {...extra}
    />
  );

  return (
    <form
      onSubmit={submit}
      aria-label={existing ? "Edit data source" : "New data source"}
      className="space-y-3"
    >
      {field(
        "name",
        "Name",
        input("name", { required: true, autoFocus: true, placeholder: "warehouse" }),
        "SQL tasks refer to the data source by this name.",
      )}
      <div className="grid grid-cols-2 gap-3">
        {field(
          "type",
          "Type",
          <select
            id={`${id}-type`}
            className={inputClass}
            value={v.type}
            onChange={(e) => {
              const type = e.target.value as Datasource["type"];
              // Follow the type's default port unless the user typed another one.
              setV((s) => ({
                ...s,
                type,
                port: s.port === String(DEFAULT_PORT[s.type]) ? String(DEFAULT_PORT[type]) : s.port,
              }));
            }}
          >
            <option value="postgresql">PostgreSQL</option>
            <option value="mysql">MySQL / MariaDB</option>
          </select>,
        )}
        {field(
          "ssl",
          "SSL",
          <select
            id={`${id}-ssl`}
            className={inputClass}
            value={v.ssl}
            onChange={(e) => set("ssl", e.target.value as SslMode)}
          >
            {SSL_MODES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>,
        )}
      </div>
      <div className="grid grid-cols-[1fr_7rem] gap-3">
        {field("host", "Host", input("host", { required: true }))}
        {field(
          "port",
          "Port",
          <input
            id={`${id}-port`}
            type="number"
            min={1}
            max={65535}
            required
            className={inputClass}
            value={v.port}
            onChange={(e) => set("port", e.target.value)}
          />,
        )}
      </div>
      <div className="grid grid-cols-2 gap-3">
        {field("database", "Database", input("database", { required: true }))}
        {field("username", "User", input("username", { required: true, autoComplete: "off" }))}
      </div>
      {field(
        "password",
        "Password",
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="new-password"
          className={inputClass}
          value={v.password}
          disabled={v.removePassword}
          placeholder={existing?.hasPassword ? "•••••• (unchanged)" : ""}
          onChange={(e) => set("password", e.target.value)}
        />,
        existing?.hasPassword ? (
          <span className="flex items-center gap-1.5">
            <input
              id={`${id}-remove`}
              type="checkbox"
              className="size-3.5"
              checked={v.removePassword}
              onChange={(e) => set("removePassword", e.target.checked)}
            />
            <label htmlFor={`${id}-remove`}>Remove the stored password</label>
            <span className="text-slate-400">· leave blank to keep it</span>
          </span>
        ) : (
          "Stored encrypted; never shown again."
        ),
      )}
      {field("description", "Description", input("description", { placeholder: "optional" }))}

      <div aria-live="polite" data-testid="datasource-test-result">
        {test.isPending && (
          <p className="flex items-center gap-2 text-sm text-slate-500">
            <Spinner /> Connecting…
          </p>
        )}
        {test.data?.ok === true && (
          <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-200">
            Connected: {test.data.serverVersion} ({test.data.ms} ms)
          </p>
        )}
        {test.data?.ok === false && <ErrorText>Connection failed: {test.data.error}</ErrorText>}
        {test.error && <ErrorText>{test.error.message}</ErrorText>}
      </div>
      {otherError && <ErrorText testId="datasource-save-error">{otherError}</ErrorText>}

      <div className="flex items-center justify-between gap-2 pt-2">
        <Button onClick={runTest} disabled={test.isPending}>
          Test connection
        </Button>
        <div className="flex gap-2">
          <Button variant="ghost" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : existing ? "Save" : "Create"}
          </Button>
        </div>
      </div>
    </form>
  );
}
