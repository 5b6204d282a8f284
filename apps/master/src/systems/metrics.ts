import { createServer, type Server } from "node:http";
import { command, server } from "@shoal/db";
import { QUEUES } from "@shoal/protocol";
import { and, eq, gt, sql } from "drizzle-orm";
import { Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { MasterResources } from "../resources";

/**
 * Prometheus metrics of a master, computed when scraped: command backlog and age, queue depths (the
 * command queue, this master's queue, each live worker group's task queue), leadership and runners.
 */
export function masterMetrics(
  r: MasterResources,
  state: () => { leader: boolean; runners: number },
): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ master: r.masterId });
  collectDefaultMetrics({ register: registry, prefix: "shoal_master_" });

  new Gauge({
    name: "shoal_command_backlog",
    help: "PENDING commands not yet consumed by a master",
    registers: [registry],
    async collect() {
      const [row] = await r.db
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(command)
        .where(eq(command.status, "PENDING"));
      this.set(row?.n ?? 0);
    },
  });
  new Gauge({
    name: "shoal_command_oldest_pending_age_seconds",
    help: "Age of the oldest PENDING command (0 when none)",
    registers: [registry],
    async collect() {
      const [row] = await r.db
        .select({
          age: sql<number>`coalesce(extract(epoch from now() - min(${command.createdAt})), 0)`.mapWith(
            Number,
          ),
        })
        .from(command)
        .where(eq(command.status, "PENDING"));
      this.set(row?.age ?? 0);
    },
  });
  new Gauge({
    name: "shoal_queue_depth",
    help: "Jobs waiting (or delayed, or active) in a queue",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      const groups = await r.db
        .selectDistinct({ group: server.workerGroup })
        .from(server)
        .where(
          and(
            eq(server.kind, "worker"),
            gt(server.heartbeatAt, sql`now() - make_interval(secs => ${r.ttlSeconds})`),
          ),
        );
      const queues = [
        QUEUES.commands,
        QUEUES.master(r.masterId),
        ...groups.flatMap((g) => (g.group ? [QUEUES.tasks(g.group)] : [])),
      ];
      this.reset();
      for (const name of queues) {
        const counts = await r.queues
          .queue(name)
          .getJobCounts("waiting", "prioritized", "delayed", "active");
        for (const [state, n] of Object.entries(counts)) this.set({ queue: name, state }, n);
      }
    },
  });
  new Gauge({
    name: "shoal_master_leader",
    help: "1 while this master holds the leader lease",
    registers: [registry],
    collect() {
      this.set(state().leader ? 1 : 0);
    },
  });
  new Gauge({
    name: "shoal_master_runners",
    help: "Instance runners loaded on this master",
    registers: [registry],
    collect() {
      this.set(state().runners);
    },
  });
  return registry;
}

/** Serves `GET /metrics` of a registry on a port; `close()` stops it. */
export function serveMetrics(registry: Registry, port: number, log: (msg: string) => void): Server {
  const srv = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end("not found: try /metrics\n");
      return;
    }
    registry
      .metrics()
      .then((body) => res.writeHead(200, { "content-type": registry.contentType }).end(body))
      .catch((e: Error) => res.writeHead(500).end(`metrics failed: ${e.message}\n`));
  });
  srv.listen(port, () => log(`metrics on http://0.0.0.0:${port}/metrics`));
  return srv;
}
