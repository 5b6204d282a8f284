import type { LoadSample } from "./load";

/** Limits over which a worker stops taking new jobs; undefined means no limit. */
export interface LoadThresholds {
  maxCpuPct?: number;
  maxMemPct?: number;
  maxLoadPerCpu?: number;
  maxTasks?: number;
}

export interface LoadDecision {
  overloaded: boolean;
  /** What is over its limit, e.g. "cpu 93% > 80%"; empty when not overloaded. */
  reasons: string[];
}

/**
 * Whether the worker should stop taking jobs. Pure: the same sample and limits give the same answer.
 * The task limit counts as reached at the limit (one more would exceed it); the others only above it.
 */
export function decideLoad(sample: LoadSample, limits: LoadThresholds): LoadDecision {
  const reasons: string[] = [];
  if (limits.maxCpuPct !== undefined && sample.cpuPct > limits.maxCpuPct)
    reasons.push(`cpu ${sample.cpuPct}% > ${limits.maxCpuPct}%`);
  if (limits.maxMemPct !== undefined && sample.memPct > limits.maxMemPct)
    reasons.push(`memory ${sample.memPct}% > ${limits.maxMemPct}%`);
  if (limits.maxLoadPerCpu !== undefined && sample.loadPerCpu > limits.maxLoadPerCpu)
    reasons.push(`load ${sample.loadPerCpu}/cpu > ${limits.maxLoadPerCpu}/cpu`);
  if (limits.maxTasks !== undefined && sample.running >= limits.maxTasks)
    reasons.push(`${sample.running} tasks running (limit ${limits.maxTasks})`);
  return { overloaded: reasons.length > 0, reasons };
}

/** A change of the guard's state worth logging and acting on, or null when nothing changes. */
export function loadTransition(paused: boolean, decision: LoadDecision): "pause" | "resume" | null {
  if (!paused && decision.overloaded) return "pause";
  if (paused && !decision.overloaded) return "resume";
  return null;
}
