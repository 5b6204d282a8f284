import { createServer, type Server } from "node:http";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { TaskMetrics } from "./task-consumer";

/** A worker's Prometheus metrics: its load as the guard sees it, task wait and run times. */
export class WorkerMetrics implements TaskMetrics {
  readonly registry = new Registry();
  private readonly load = new Gauge({
    name: "shoal_worker_load",
    help: "Load figures of the last heartbeat (cpuPct, memPct, load1, loadPerCpu, running)",
    labelNames: ["figure"],
    registers: [this.registry],
  });
  private readonly paused = new Gauge({
    name: "shoal_worker_paused",
    help: "1 while the load guard (or fencing) keeps this worker from taking jobs",
    registers: [this.registry],
  });
  private readonly wait = new Histogram({
    name: "shoal_task_dispatch_latency_seconds",
    help: "From an attempt's enqueue to its start on this worker",
    labelNames: ["type"],
    buckets: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: "shoal_task_duration_seconds",
    help: "Run time of attempts on this worker",
    labelNames: ["type", "outcome"],
    buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200],
    registers: [this.registry],
  });
  private readonly tasks = new Counter({
    name: "shoal_tasks_total",
    help: "Attempts finished on this worker",
    labelNames: ["type", "outcome"],
    registers: [this.registry],
  });

  constructor(workerId: string, group: string) {
    this.registry.setDefaultLabels({ worker: workerId, group });
    collectDefaultMetrics({ register: this.registry, prefix: "shoal_worker_" });
  }

  started(taskType: string, waitMs: number): void {
    this.wait.observe({ type: taskType }, Math.max(0, waitMs) / 1000);
  }

  finished(taskType: string, outcome: string, seconds: number): void {
    this.duration.observe({ type: taskType, outcome }, seconds);
    this.tasks.inc({ type: taskType, outcome });
  }

  sample(stats: Record<string, number>): void {
    for (const figure of ["cpuPct", "memPct", "load1", "loadPerCpu", "running"]) {
      if (stats[figure] !== undefined) this.load.set({ figure }, stats[figure]);
    }
    this.paused.set(stats.overloaded || stats.fenced ? 1 : 0);
  }

  /** Serves `GET /metrics` on `port`. */
  serve(port: number, log: (msg: string) => void): Server {
    const srv = createServer((req, res) => {
      if (req.url !== "/metrics") {
        res.writeHead(404).end("not found: try /metrics\n");
        return;
      }
      this.registry
        .metrics()
        .then((body) => res.writeHead(200, { "content-type": this.registry.contentType }).end(body))
        .catch((e: Error) => res.writeHead(500).end(`metrics failed: ${e.message}\n`));
    });
    srv.listen(port, () => log(`metrics on http://0.0.0.0:${port}/metrics`));
    return srv;
  }
}
