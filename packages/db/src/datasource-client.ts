import mysql from "mysql2/promise";
import postgres from "postgres";

/** Where and how to connect to a user's database (the password already decrypted). */
export interface DatasourceConfig {
  type: "postgresql" | "mysql";
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
  /** `ssl`: disable | require | verify-full; `connectTimeoutSeconds` (default 10). */
  options: Record<string, string>;
}

/** Extra connection options a data source may carry, validated by the API on save. */
export const DATASOURCE_OPTION_KEYS = ["ssl", "connectTimeoutSeconds"] as const;
export const SSL_MODES = ["disable", "require", "verify-full"] as const;

/** What one statement gave back: rows for queries, an affected-row count for the rest. */
export interface StatementResult {
  columns: string[];
  rows: Record<string, unknown>[];
  /** Rows changed by INSERT/UPDATE/DELETE (null when the driver reports none, e.g. for SELECT). */
  affectedRows: number | null;
  /** True when the statement returned a result set (even an empty one). */
  hasResultSet: boolean;
}

/** One connection to a user's database; statements run in order on the same session. */
export interface DatasourceSession {
  /**
   * Runs one statement. With `values`, it is sent as a prepared statement whose placeholders
   * (PostgreSQL `$1`, MySQL `?`) take them as data, never parsed as SQL.
   */
  run(statement: string, values?: readonly string[]): Promise<StatementResult>;
  /** Server version string, e.g. `PostgreSQL 16.4` or `10.11.6-MariaDB`. */
  serverVersion(): Promise<string>;
  close(): Promise<void>;
}

export class DatasourceAbortedError extends Error {
  override name = "DatasourceAbortedError";
  constructor() {
    super("aborted");
  }
}

function connectTimeout(cfg: DatasourceConfig): number {
  const n = Number(cfg.options.connectTimeoutSeconds ?? 10);
  return Number.isFinite(n) && n > 0 ? n : 10;
}

/**
 * Opens a single-connection session. When `signal` aborts, the running statement is cancelled and
 * the connection dropped, so `run` rejects with {@link DatasourceAbortedError}.
 */
export async function openDatasource(
  cfg: DatasourceConfig,
  signal?: AbortSignal,
): Promise<DatasourceSession> {
  if (signal?.aborted) throw new DatasourceAbortedError();
  return cfg.type === "postgresql" ? openPostgres(cfg, signal) : openMysql(cfg, signal);
}

async function openPostgres(
  cfg: DatasourceConfig,
  signal?: AbortSignal,
): Promise<DatasourceSession> {
  const ssl = cfg.options.ssl;
  const sql = postgres({
    host: cfg.host,
    port: cfg.port,
    database: cfg.database,
    username: cfg.username,
    password: cfg.password,
    max: 1,
    connect_timeout: connectTimeout(cfg),
    ssl: ssl === "require" ? "require" : ssl === "verify-full" ? "verify-full" : false,
    onnotice: () => {},
    connection: { application_name: "shoal-sql-task" },
  });
  let current: { cancel(): void } | undefined;
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    current?.cancel();
    void sql.end({ timeout: 0 });
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  const guard = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (err) {
      if (aborted) throw new DatasourceAbortedError();
      throw err;
    }
  };
  // Connect now (postgres.js is lazy), so connection errors are told apart from statement errors.
  const conn = await guard(sql.reserve()).catch(async (err: unknown) => {
    signal?.removeEventListener("abort", onAbort);
    await sql.end({ timeout: 0 });
    throw err;
  });
  return {
    async run(statement, values) {
      // Values go as untyped parameters, so the server infers each one's type from where it stands.
      const q = values?.length ? conn.unsafe(statement, [...values]) : conn.unsafe(statement);
      current = q;
      const res = await guard(q.then((r) => r));
      current = undefined;
      const columns = (res.columns ?? []).map((c) => c.name);
      const hasResultSet = columns.length > 0 || res.command === "SELECT";
      return {
        columns,
        rows: hasResultSet ? [...res].map((r) => ({ ...r })) : [],
        affectedRows: hasResultSet ? null : typeof res.count === "number" ? res.count : null,
        hasResultSet,
      };
    },
    async serverVersion() {
      const rows = await guard(conn.unsafe<Array<{ v: string }>>("select version() as v"));
      return String(rows[0]?.v).split(" on ")[0]!;
    },
    async close() {
      signal?.removeEventListener("abort", onAbort);
      conn.release();
      await sql.end({ timeout: 2 });
    },
  };
}

async function openMysql(cfg: DatasourceConfig, signal?: AbortSignal): Promise<DatasourceSession> {
  const ssl = cfg.options.ssl;
  let aborted = false;
  // Set once connected; an abort during the handshake is applied right after it.
  const open: { conn?: mysql.Connection } = {};
  const onAbort = () => {
    aborted = true;
    open.conn?.destroy();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  const guard = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (err) {
      if (aborted) throw new DatasourceAbortedError();
      throw err;
    }
  };
  const c = await guard(
    mysql.createConnection({
      host: cfg.host,
      port: cfg.port,
      database: cfg.database,
      user: cfg.username,
      password: cfg.password,
      connectTimeout: connectTimeout(cfg) * 1000,
      ssl:
        ssl === "require"
          ? { rejectUnauthorized: false }
          : ssl === "verify-full"
            ? { rejectUnauthorized: true }
            : undefined,
      // One statement per call: pre/post statements are separate entries, never split by us.
      multipleStatements: false,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
    }),
  );
  open.conn = c;
  if (aborted) c.destroy();
  return {
    async run(statement, values) {
      // execute() prepares on the server, which tells a `?` placeholder from one inside a literal.
      const [result, fields] = await guard(
        values?.length ? c.execute(statement, [...values]) : c.query(statement),
      );
      if (Array.isArray(result)) {
        const columns = (fields ?? []).map((f) => f.name);
        return {
          columns,
          rows: (result as Record<string, unknown>[]).map((r) => ({ ...r })),
          affectedRows: null,
          hasResultSet: true,
        };
      }
      return { columns: [], rows: [], affectedRows: result.affectedRows, hasResultSet: false };
    },
    async serverVersion() {
      const [rows] = await guard(c.query("select version() as v"));
      return String((rows as Array<{ v: string }>)[0]?.v);
    },
    async close() {
      signal?.removeEventListener("abort", onAbort);
      await c.end().catch(() => c.destroy());
    },
  };
}

/** Connects, asks the server's version and disconnects: the "Test connection" button. */
export async function testDatasourceConnection(
  cfg: DatasourceConfig,
): Promise<{ ok: true; serverVersion: string; ms: number } | { ok: false; error: string }> {
  const started = performance.now();
  let session: DatasourceSession | undefined;
  try {
    session = await openDatasource(cfg);
    const serverVersion = await session.serverVersion();
    return { ok: true, serverVersion, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, error: describeDriverError(err) };
  } finally {
    await session?.close().catch(() => {});
  }
}

/** The driver's own message, plus the connect target when the message lacks it (e.g. AggregateError). */
export function describeDriverError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0)
    return describeDriverError(err.errors[0]);
  const e = err as { message?: string; code?: string };
  const message = e?.message || e?.code || String(err);
  return message;
}
