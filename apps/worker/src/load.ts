import { cpus, freemem, loadavg, totalmem } from "node:os";

export interface LoadSample {
  /** Busy share of all CPUs since the previous sample, 0–100. */
  cpuPct: number;
  /** Used share of physical memory, 0–100. */
  memPct: number;
  /** 1-minute load average divided by the number of CPUs. */
  loadPerCpu: number;
  load1: number;
  cpus: number;
  running: number;
}

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle;
    total += t;
    busy += t - c.times.idle;
  }
  return { busy, total };
}

/** Measures this machine's load; CPU % is the busy share between two calls. */
export class LoadMeter {
  private last = cpuTimes();

  sample(running: number): LoadSample {
    const now = cpuTimes();
    const total = now.total - this.last.total;
    const cpuPct = total > 0 ? ((now.busy - this.last.busy) / total) * 100 : 0;
    this.last = now;
    const n = cpus().length || 1;
    const load1 = loadavg()[0] ?? 0;
    return {
      cpuPct: round(cpuPct),
      memPct: round((1 - freemem() / totalmem()) * 100),
      loadPerCpu: round(load1 / n),
      load1: round(load1),
      cpus: n,
      running,
    };
  }
}

const round = (x: number) => Math.round(x * 10) / 10;
