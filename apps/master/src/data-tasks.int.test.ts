import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { validateWorkflow, type WorkflowDefinitionInput } from "@shoal/core";
import { datasource, taskInstance, taskLog, workflowInstance, type RunOptions } from "@shoal/db";
import {
  encryptSecret,
  generateSecretKey,
  openDatasource,
  parseSecretKey,
  type DatasourceConfig,
} from "@shoal/db/datasources";
import {
  createTestDatabase,
  insertInstanceCommand,
  insertStartCommand,
  seedWorkflow,
  testRedisUrl,
  uniquePrefix,
  type TestDatabase,
} from "@shoal/db/testing";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResources } from "./resources";
import { startRuntimeProcess, waitFor, type RuntimeProcess } from "./testing/stack";

/** http and sql tasks end to end: real master and worker processes, a local HTTP server, real Postgres and MySQL. */
let db: TestDatabase;
let res: ReturnType<typeof createResources>;
let master: RuntimeProcess;
let worker: RuntimeProcess;
let server: Server;
let base: string;
const secretKey = generateSecretKey();
const requests: Array<{
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}> = [];

beforeAll(async () => {
  server = createServer((req, resp) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url === "/status") {
        resp.writeHead(200, { "content-type": "application/json" });
        resp.end(
          JSON.stringify({ status: "UP", data: { id: 42, items: [{ name: "a" }, { name: "b" }] } }),
        );
      } else if (req.url === "/slow") {
        setTimeout(() => resp.end("late"), 30_000).unref();
      } else if (req.url?.startsWith("/echo")) {
        resp.writeHead(201, { "content-type": "text/plain" });
        resp.end(`${req.method} ${req.url} ${body}`);
      } else {
        resp.writeHead(404);
        resp.end("no such page");
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  db = await createTestDatabase("datatasks");
  const prefix = uniquePrefix("data");
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: testRedisUrl(),
    SHOAL_REDIS_PREFIX: prefix,
    SHOAL_SECRET_KEY: secretKey,
  };
  master = startRuntimeProcess("master", env);
  worker = startRuntimeProcess("worker", env);
  res = createResources({
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    prefix,
    masterId: "producer",
    log: () => {},
  });
});
afterAll(async () => {
  await master?.stop();
  await worker?.stop();
  await res?.close();
  await db?.drop();
  server?.close();
});

function wf(input: WorkflowDefinitionInput) {
  const v = validateWorkflow(input);
  if (!v.ok) throw new Error(v.error.map((i) => i.message).join("; "));
  return v.value;
}

/** Seeds the workflow and starts it; resolves with its task rows once it ends in `expected`. */
async function run(input: WorkflowDefinitionInput, expected: "SUCCESS" | "FAILURE") {
  const ids = await seedWorkflow(res.r.db, wf(input));
  const commandId = await insertStartCommand(res.r.db, ids);
  await res.r.queues.enqueueCommand({ commandId });
  const instanceId = await waitFor("the instance", async () => {
    const [row] = await res.r.db
      .select({ id: workflowInstance.id })
      .from(workflowInstance)
      .where(eq(workflowInstance.commandId, commandId));
    return row?.id;
  });
  const state = await waitFor(
    `instance ${instanceId} to finish`,
    async () => {
      const [row] = await res.r.db
        .select({ state: workflowInstance.state })
        .from(workflowInstance)
        .where(eq(workflowInstance.id, instanceId));
      return row && ["SUCCESS", "FAILURE", "STOP"].includes(row.state) ? row.state : null;
    },
    60_000,
  ).catch((err: Error) => {
    throw new Error(
      `${err.message}\nmaster:\n${master.output().slice(-3000)}\nworker:\n${worker.output().slice(-3000)}`,
    );
  });
  const tasks = await res.r.db
    .select({
      id: taskInstance.id,
      code: taskInstance.taskCode,
      state: taskInstance.state,
      error: taskInstance.error,
      outParams: taskInstance.outParams,
      detail: taskInstance.detail,
    })
    .from(taskInstance)
    .where(eq(taskInstance.workflowInstanceId, instanceId))
    .orderBy(asc(taskInstance.taskCode));
  expect(state, JSON.stringify(tasks, null, 2)).toBe(expected);
  return { ...ids, instanceId, task: (code: string) => tasks.find((t) => t.code === code)! };
}

async function logOf(taskInstanceId: string): Promise<string> {
  const chunks = await res.r.db
    .select({ content: taskLog.content })
    .from(taskLog)
    .where(eq(taskLog.taskInstanceId, taskInstanceId))
    .orderBy(asc(taskLog.seq));
  return chunks.map((c) => c.content).join("");
}

const one = (
  task: Record<string, unknown> & { code?: string; type: string; params: Record<string, unknown> },
) => ({
  name: "data-test",
  tasks: [{ code: task.code ?? "t", name: (task.name as string) ?? "t", ...task }],
  edges: [],
});

describe("http task", () => {
  it("succeeds on an expected status with passing body checks, and sets OUT params from JSON paths and the whole body", async () => {
    const { task } = await run(
      {
        name: "http-ok",
        tasks: [
          {
            code: "h",
            name: "fetch-status",
            type: "http",
            params: {
              url: `${base}/status`,
              headers: { "X-Trace": "trace-$[yyyyMMdd]" },
              checks: [
                { type: "contains", value: "UP" },
                { type: "jsonPathEquals", path: "$.data.items[1].name", value: "b" },
              ],
              outParams: [
                { name: "id", path: "$.data.id" },
                { name: "items", path: "data.items" },
                { name: "raw" },
              ],
            },
          },
          {
            code: "use",
            name: "use-id",
            type: "shell",
            params: { script: 'test "${id}" = 42 && echo "id is ${id}"' },
          },
        ],
        edges: [{ from: "h", to: "use" }],
      },
      "SUCCESS",
    );
    const h = task("h");
    expect(h.outParams).toEqual({
      id: "42",
      items: '[{"name":"a"},{"name":"b"}]',
      raw: JSON.stringify({
        status: "UP",
        data: { id: 42, items: [{ name: "a" }, { name: "b" }] },
      }),
    });
    expect(h.detail).toMatchObject({ method: "GET", url: `${base}/status`, status: 200 });
    expect(typeof h.detail?.durationMs).toBe("number");
    const req = requests.find((r) => r.url === "/status")!;
    expect(req.headers["x-trace"]).toMatch(/^trace-\d{8}$/);
    const log = await logOf(h.id);
    expect(log).toContain(`> GET ${base}/status`);
    expect(log).toContain("< 200 OK");
    expect(log).toContain('"status":"UP"');
  });

  it("POSTs a body with params substituted and takes the status list it is given", async () => {
    const { task } = await run(
      one({
        type: "http",
        params: {
          method: "POST",
          url: `${base}/echo?d=$[yyyyMMdd]`,
          body: '{"day":"$[yyyy]"}',
          expectedStatus: "200,201",
          outParams: [{ name: "reply" }],
        },
      }),
      "SUCCESS",
    );
    const year = String(new Date().getUTCFullYear());
    expect(task("t").outParams?.reply).toMatch(
      new RegExp(`^POST /echo\\?d=\\d{8} \\{"day":"${year}"\\}$`),
    );
    const req = requests.find((r) => r.method === "POST")!;
    expect(req.headers["content-type"]).toBe("application/json");
  });

  it("fails when the status is not expected, naming the request and the status", async () => {
    const { task } = await run(
      one({ name: "missing-page", type: "http", params: { url: `${base}/nope` } }),
      "FAILURE",
    );
    expect(task("t").error).toBe(
      `http task "missing-page": GET ${base}/nope returned status 404, expected 2xx`,
    );
    expect(task("t").detail).toMatchObject({ status: 404 });
  });

  it("fails when a body check or an OUT param path does not hold", async () => {
    const check = await run(
      one({
        type: "http",
        params: {
          url: `${base}/status`,
          checks: [{ type: "jsonPathEquals", path: "$.status", value: "DOWN" }],
        },
      }),
      "FAILURE",
    );
    expect(check.task("t").error).toBe(
      'http task "t": params.checks[0] (jsonPathEquals): $.status is "UP", expected "DOWN"',
    );
    const out = await run(
      one({
        type: "http",
        params: { url: `${base}/status`, outParams: [{ name: "x", path: "$.data.nothing" }] },
      }),
      "FAILURE",
    );
    expect(out.task("t").error).toBe(
      'http task "t": params.outParams[0] (x): $.data.nothing is not in the response',
    );
  });

  it("fails when the server does not answer within timeoutSeconds", async () => {
    const started = Date.now();
    const { task } = await run(
      one({ type: "http", params: { url: `${base}/slow`, timeoutSeconds: 1 } }),
      "FAILURE",
    );
    expect(task("t").error).toBe(`http task "t": GET ${base}/slow timed out after 1 s`);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("STOP aborts a request in flight: the task ends KILL", async () => {
    const ids = await seedWorkflow(
      res.r.db,
      wf(one({ type: "http", params: { url: `${base}/slow`, timeoutSeconds: 600 } })),
    );
    const commandId = await insertStartCommand(res.r.db, ids);
    await res.r.queues.enqueueCommand({ commandId });
    const instanceId = await waitFor("the task to run", async () => {
      const [row] = await res.r.db
        .select({ id: workflowInstance.id, state: taskInstance.state })
        .from(workflowInstance)
        .innerJoin(taskInstance, eq(taskInstance.workflowInstanceId, workflowInstance.id))
        .where(eq(workflowInstance.commandId, commandId));
      return row?.state === "RUNNING" ? row.id : null;
    });
    await res.r.queues.enqueueCommand({
      commandId: await insertInstanceCommand(res.r.db, ids.projectId, instanceId, "STOP"),
    });
    const state = await waitFor("STOP", async () => {
      const [row] = await res.r.db
        .select({ state: workflowInstance.state })
        .from(workflowInstance)
        .where(eq(workflowInstance.id, instanceId));
      return row?.state === "STOP" ? row.state : null;
    });
    expect(state).toBe("STOP");
    const [t] = await res.r.db
      .select({ state: taskInstance.state })
      .from(taskInstance)
      .where(eq(taskInstance.workflowInstanceId, instanceId));
    expect(t?.state).toBe("KILL");
  });

  it("fails on an unreachable host with the host named", async () => {
    const { task } = await run(
      one({ name: "no-host", type: "http", params: { url: "http://nohost.invalid/" } }),
      "FAILURE",
    );
    expect(task("t").error).toMatch(
      /^http task "no-host": GET http:\/\/nohost\.invalid\/ failed: .*nohost\.invalid/,
    );
    expect(task("t").error).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });
});

describe("OUT params across task types (issue 3 acceptance)", () => {
  it("an OUT param from a shell task reaches a downstream python task and an http task's URL", async () => {
    const { task } = await run(
      {
        name: "shell-python-http",
        tasks: [
          {
            code: "produce",
            name: "produce",
            type: "shell",
            params: { script: `echo '\${setValue(target=${base}/echo/from-shell)}'` },
          },
          {
            code: "py",
            name: "py",
            type: "python",
            params: {
              script:
                'assert "${target}".endswith("/echo/from-shell")\nprint("python got ${target}")',
            },
          },
          {
            code: "call",
            name: "call",
            type: "http",
            params: { url: "${target}?n=1", outParams: [{ name: "reply" }] },
          },
        ],
        edges: [
          { from: "produce", to: "py" },
          { from: "produce", to: "call" },
        ],
      },
      "SUCCESS",
    );
    expect(task("py").state).toBe("SUCCESS");
    expect(await logOf(task("py").id)).toContain(`python got ${base}/echo/from-shell`);
    expect(task("call").outParams).toEqual({ reply: "GET /echo/from-shell?n=1 " });
  });
});

/** Inserts a data source into the workflow's project, its password encrypted like the API does. */
async function addDatasource(projectId: string, name: string, cfg: DatasourceConfig) {
  await res.r.db.insert(datasource).values({
    projectId,
    name,
    type: cfg.type,
    host: cfg.host,
    port: cfg.port,
    database: cfg.database,
    username: cfg.username,
    passwordEncrypted: encryptSecret(cfg.password, parseSecretKey(secretKey)),
    options: cfg.options,
  });
}

/** Runs one sql task against a data source named "ds" made from `cfg` in a fresh project. */
async function runSql(
  cfg: DatasourceConfig,
  params: Record<string, unknown>,
  expected: "SUCCESS" | "FAILURE",
  extra: WorkflowDefinitionInput["tasks"] = [],
  options: RunOptions = {},
) {
  const definition = wf({
    name: "sql",
    tasks: [
      { code: "q", name: "the-query", type: "sql", params: { datasource: "ds", ...params } },
      ...extra,
    ],
    edges: extra.map((t) => ({ from: "q", to: t.code })),
  });
  const ids = await seedWorkflow(res.r.db, definition);
  await addDatasource(ids.projectId, "ds", cfg);
  const commandId = await insertStartCommand(res.r.db, ids, options);
  await res.r.queues.enqueueCommand({ commandId });
  const instanceId = await waitFor("the instance", async () => {
    const [row] = await res.r.db
      .select({ id: workflowInstance.id })
      .from(workflowInstance)
      .where(eq(workflowInstance.commandId, commandId));
    return row?.id;
  });
  const state = await waitFor(
    `instance ${instanceId} to finish`,
    async () => {
      const [row] = await res.r.db
        .select({ state: workflowInstance.state })
        .from(workflowInstance)
        .where(eq(workflowInstance.id, instanceId));
      return row && ["SUCCESS", "FAILURE"].includes(row.state) ? row.state : null;
    },
    60_000,
  );
  const tasks = await res.r.db
    .select({
      id: taskInstance.id,
      code: taskInstance.taskCode,
      state: taskInstance.state,
      error: taskInstance.error,
      outParams: taskInstance.outParams,
      detail: taskInstance.detail,
    })
    .from(taskInstance)
    .where(eq(taskInstance.workflowInstanceId, instanceId));
  expect(state, JSON.stringify(tasks, null, 2)).toBe(expected);
  const q = tasks.find((t) => t.code === "q")!;
  return { ...q, log: await logOf(q.id), tasks };
}

/** The same behaviours on each database engine. */
function sqlSuite(engine: string, config: () => DatasourceConfig, table: string) {
  it(`${engine}: a one-row query sets named OUT params that a downstream task reads`, async () => {
    const r = await runSql(
      config(),
      {
        sql: `select count(*) as n, max(name) as last_name from ${table}`,
        outParams: [{ name: "total", column: "n" }, { name: "last_name" }],
      },
      "SUCCESS",
      [
        {
          code: "check",
          name: "check",
          type: "shell",
          params: { script: 'test "${total}" = 3 && test "${last_name}" = gamma' },
        },
      ],
    );
    expect(r.outParams).toEqual({ total: "3", last_name: "gamma" });
    expect(r.tasks.find((t) => t.code === "check")?.state).toBe("SUCCESS");
    expect(r.log).toContain("[sql] 1 row in");
    expect(r.detail).toMatchObject({ datasource: "ds", rows: 1 });
  });

  it(`${engine}: many rows become a LIST param (JSON array), and the log shows up to logRows rows`, async () => {
    const r = await runSql(
      config(),
      {
        sql: `select id, name from ${table} order by id`,
        logRows: 2,
        outParams: [
          { name: "names", column: "name", list: true },
          { name: "rows", list: true },
        ],
      },
      "SUCCESS",
    );
    expect(JSON.parse(r.outParams!.names!)).toEqual(["alpha", "beta", "gamma"]);
    expect(JSON.parse(r.outParams!.rows!)).toEqual([
      { id: 1, name: "alpha" },
      { id: 2, name: "beta" },
      { id: 3, name: "gamma" },
    ]);
    expect(r.log).toContain("id | name");
    expect(r.log).toContain("1 | alpha");
    expect(r.log).toContain("2 | beta");
    expect(r.log).not.toContain("3 | gamma");
    expect(r.log).toContain("1 more rows not shown");
  });

  it(`${engine}: a non-query reports affected rows; pre and post statements run in order on the same connection`, async () => {
    const scratch = `${table}_scratch_${randomBytes(3).toString("hex")}`;
    const r = await runSql(
      config(),
      {
        sqlType: "non_query",
        preStatements: [
          `create table ${scratch} (id int, tag varchar(20))`,
          `insert into ${scratch} values (1, 'x'), (2, 'x'), (3, 'y')`,
        ],
        sql: `update ${scratch} set tag = 'z' where tag = 'x'`,
        postStatements: [
          `insert into ${table}_audit select count(*) from ${scratch} where tag = 'z'`,
          `drop table ${scratch}`,
        ],
      },
      "SUCCESS",
    );
    expect(r.detail).toMatchObject({ affectedRows: 2 });
    expect(r.log).toContain("[sql] 2 rows affected");
    expect(r.log).toContain("[sql] pre statement 1:");
    expect(r.log).toContain("[sql] post statement 2:");
    const s = await openDatasource(config());
    try {
      const audit = await s.run(`select n from ${table}_audit`);
      expect(audit.rows.map((x) => Number(x.n))).toContain(2);
      await expect(s.run(`select * from ${scratch}`)).rejects.toThrow(); // the post statement dropped it
    } finally {
      await s.close();
    }
  });

  it(`${engine}: \${param} is bound as data, so an injection attempt in a run-time override stays a string; !{param} is text`, async () => {
    const evil = `x'; drop table ${table}; --`;
    const r = await runSql(
      config(),
      {
        preStatements: [`select count(*) from !{tbl} where name = \${evil}`],
        sql: `select count(*) as n, \${evil} as v, '\${evil}' as q from !{tbl} where name <> \${evil}`,
        outParams: [{ name: "n" }, { name: "v" }, { name: "q" }],
      },
      "SUCCESS",
      [],
      { paramOverrides: { evil, tbl: table } },
    );
    expect(r.outParams).toEqual({ n: "3", v: evil, q: evil });
    expect(r.log).toContain(
      `[sql] bind ${engine === "mysql" ? "?1" : "$1"} = ${JSON.stringify(evil)}`,
    );
    const s = await openDatasource(config());
    try {
      const rows = await s.run(`select count(*) as n from ${table}`);
      expect(Number(rows.rows[0]!.n)).toBe(3); // the table survived
    } finally {
      await s.close();
    }
  });

  it(`${engine}: an unknown \${param} in a statement fails the task before it runs, naming task, field and param`, async () => {
    const r = await runSql(
      config(),
      { sql: "select 1", postStatements: ["select ${nope}"] },
      "FAILURE",
    );
    expect(r.error).toBe('task "the-query" (params.postStatements[0]): Unknown parameter ${nope}');
    expect(r.log).not.toContain("[sql]");
  });

  it(`${engine}: a SQL syntax error fails the task with the driver's message and the task name`, async () => {
    const r = await runSql(config(), { sql: "selec 1" }, "FAILURE");
    expect(r.error).toMatch(/^sql task "the-query": the statement failed: .*syntax/);
    expect(r.error).toContain("selec");
  });

  it(`${engine}: wrong credentials fail the task with the driver's message`, async () => {
    const r = await runSql(
      { ...config(), username: "shoal_nobody", password: "wrong-password" },
      { sql: "select 1" },
      "FAILURE",
    );
    expect(r.error).toMatch(
      /^sql task "the-query": connecting to data source "ds" \(.*as shoal_nobody\) failed: /,
    );
    expect(r.error).toMatch(/shoal_nobody/);
  });

  it(`${engine}: a missing OUT column and an unknown data source fail naming what is wrong`, async () => {
    const col = await runSql(
      config(),
      { sql: "select 1 as a", outParams: [{ name: "b" }] },
      "FAILURE",
    );
    expect(col.error).toBe(
      'sql task "the-query": OUT param "b": the result has no column "b" (columns: a)',
    );
    const ds = await runSql(config(), { datasource: "elsewhere", sql: "select 1" }, "FAILURE");
    expect(ds.error).toBe(
      'sql task "the-query": params.datasource: no data source "elsewhere" in this project',
    );
  });
}

describe("sql task on PostgreSQL", () => {
  const table = `shoal_items_${randomBytes(3).toString("hex")}`;
  let cfg: DatasourceConfig;
  beforeAll(async () => {
    const u = new URL(db.url);
    // The test server's own password (the throwaway Postgres of `npm test` checks it); with trust
    // auth any password passes, and it is still stored encrypted, decrypted and sent.
    cfg = {
      type: "postgresql",
      host: u.hostname,
      port: Number(u.port || 5432),
      database: u.pathname.slice(1),
      username: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password) || "pg-secret",
      options: {},
    };
    await db.sql.unsafe(
      `create table ${table} (id int primary key, name text); insert into ${table} values (1, 'alpha'), (2, 'beta'), (3, 'gamma'); create table ${table}_audit (n int)`,
    );
  });
  sqlSuite("postgresql", () => cfg, table);

  it("postgresql: STOP cancels the running statement on the server; the task ends KILL", async () => {
    const marker = `${600 + Math.random()}`;
    const ids = await seedWorkflow(
      res.r.db,
      wf({
        name: "sql-stop",
        tasks: [
          {
            code: "q",
            name: "sleepy",
            type: "sql",
            params: { datasource: "ds", sql: `select pg_sleep(${marker})` },
          },
        ],
        edges: [],
      }),
    );
    await addDatasource(ids.projectId, "ds", cfg);
    const commandId = await insertStartCommand(res.r.db, ids);
    await res.r.queues.enqueueCommand({ commandId });
    const running = () =>
      db.sql.unsafe(
        `select pid from pg_stat_activity where query like '%pg_sleep(${marker})%' and pid <> pg_backend_pid()`,
      );
    await waitFor("the statement to run", async () => (await running()).length > 0);
    const [inst] = await res.r.db
      .select({ id: workflowInstance.id })
      .from(workflowInstance)
      .where(eq(workflowInstance.commandId, commandId));
    await res.r.queues.enqueueCommand({
      commandId: await insertInstanceCommand(res.r.db, ids.projectId, inst!.id, "STOP"),
    });
    await waitFor("STOP", async () => {
      const [row] = await res.r.db
        .select({ state: workflowInstance.state })
        .from(workflowInstance)
        .where(eq(workflowInstance.id, inst!.id));
      return row?.state === "STOP";
    });
    const [t] = await res.r.db
      .select({ state: taskInstance.state })
      .from(taskInstance)
      .where(eq(taskInstance.workflowInstanceId, inst!.id));
    expect(t?.state).toBe("KILL");
    await waitFor(
      "the server-side statement to end",
      async () => (await running()).length === 0,
      5_000,
    );
  });
});

/** MySQL/MariaDB from SHOAL_TEST_MYSQL_URL (default: the machine's MariaDB, root without password, database test). */
describe("sql task on MySQL", () => {
  // eslint-disable-next-line no-restricted-properties -- test configuration
  const url = new URL(process.env.SHOAL_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test");
  const table = `shoal_items_${randomBytes(3).toString("hex")}`;
  const user = `shoal_${randomBytes(3).toString("hex")}`;
  const password = `pw-${randomBytes(6).toString("hex")}`;
  const admin: DatasourceConfig = {
    type: "mysql",
    host: url.hostname,
    port: Number(url.port || 3306),
    database: url.pathname.slice(1) || "test",
    username: decodeURIComponent(url.username || "root"),
    password: decodeURIComponent(url.password),
    options: {},
  };
  beforeAll(async () => {
    const s = await openDatasource(admin).catch((err: Error) => {
      throw new Error(
        `the MySQL tests need a MySQL/MariaDB server at ${url.host} (set SHOAL_TEST_MYSQL_URL=mysql://user:pass@host:port/db): ${err.message}`,
      );
    });
    try {
      await s.run(`create table ${table} (id int primary key, name varchar(20))`);
      await s.run(`insert into ${table} values (1, 'alpha'), (2, 'beta'), (3, 'gamma')`);
      await s.run(`create table ${table}_audit (n int)`);
      // A user with a real password, so decrypting it in the worker is what lets the task in.
      await s.run(`create user '${user}'@'%' identified by '${password}'`);
      await s.run(`create user '${user}'@'localhost' identified by '${password}'`);
      await s.run(`grant all on \`${admin.database}\`.* to '${user}'@'%'`);
      await s.run(`grant all on \`${admin.database}\`.* to '${user}'@'localhost'`);
    } finally {
      await s.close();
    }
  });
  afterAll(async () => {
    const s = await openDatasource(admin).catch(() => null);
    if (!s) return;
    for (const stmt of [
      `drop table if exists ${table}`,
      `drop table if exists ${table}_audit`,
      `drop user if exists '${user}'@'%'`,
      `drop user if exists '${user}'@'localhost'`,
    ])
      await s.run(stmt).catch(() => {});
    await s.close();
  });
  sqlSuite("mysql", () => ({ ...admin, username: user, password }), table);

  it("mysql: the right user with a wrong password is refused", async () => {
    const r = await runSql(
      { ...admin, username: user, password: "not-it" },
      { sql: "select 1" },
      "FAILURE",
    );
    expect(r.error).toMatch(new RegExp(`Access denied for user '${user}'`));
  });
});
