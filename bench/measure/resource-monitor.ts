/**
 * @module bench/measure/resource-monitor
 * Watches a system's process tree during a measurement window: CPU seconds used between
 * `start` and `stop`, and the peak of the tree's summed memory, sampled on a timer.
 */
import { treeCpuSeconds, treeMemory } from './proc-tree.ts';

export interface ResourceMonitorOptions {
  /** Root pids of the system; read at every sample, so processes started later are seen. */
  roots: () => readonly number[];
  /** Memory sampling period; smaps_rollup reads cost ~1 ms per big process, so not too often. */
  intervalMs?: number;
}

export interface ResourceUsage {
  /** CPU seconds (user + system) of the tree in the window. */
  cpuSeconds: number;
  /** Peak of the summed Pss (fair share of shared pages) over the samples. */
  peakPssMb: number;
  /** Peak of the summed VmRSS (shared pages counted per process). */
  peakRssMb: number;
  /** Most processes seen in the tree at once. */
  peakProcesses: number;
  samples: number;
}

export interface ResourceMonitor {
  /** Takes a final memory sample and the closing CPU reading. */
  stop(): ResourceUsage;
}

export function startResourceMonitor(options: ResourceMonitorOptions): ResourceMonitor {
  const { roots, intervalMs = 200 } = { ...options };
  const cpuAtStart = treeCpuSeconds(roots());
  let peakPssMb = 0;
  let peakRssMb = 0;
  let peakProcesses = 0;
  let samples = 0;
  const sample = () => {
    const memory = treeMemory(roots());
    peakPssMb = Math.max(peakPssMb, memory.pssMb);
    peakRssMb = Math.max(peakRssMb, memory.rssMb);
    peakProcesses = Math.max(peakProcesses, memory.processes);
    samples++;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { cpuSeconds: treeCpuSeconds(roots()) - cpuAtStart, peakPssMb, peakRssMb, peakProcesses, samples };
    },
  };
}
