/**
 * @module bench/soak/rss-sampler
 * Worker memory over a long run: every few seconds, the RSS of each live worker's Node process
 * and the PSS of its whole tree (Chromium included), kept per worker so a leak shows as a rising median
 * or max in one worker's row rather than disappearing in a fleet-wide sum.
 */
import { percentile } from '../measure/latency.ts';
import { treeMemory, vmRssKb } from '../measure/proc-tree.ts';
import type { FleetMember } from './worker-fleet.ts';

export interface RssSample {
  /** Seconds since the sampler started. */
  t: number;
  /** The worker's Node process alone. */
  nodeMb: number;
  /** PSS of the process and its descendants (Chromium, once a browser job ran): shared pages split fairly. */
  treeMb: number;
}

export interface RssSpread {
  min: number;
  median: number;
  max: number;
}

export interface WorkerRss {
  name: string;
  pid: number;
  samples: RssSample[];
  node: RssSpread | null;
  tree: RssSpread | null;
}

export interface RssSampler {
  stop(): WorkerRss[];
}

export function spreadOf(values: number[]): RssSpread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: percentile(sorted, 50), max: sorted[sorted.length - 1]! };
}


export function startRssSampler(live: () => readonly FleetMember[], intervalMs = 5_000): RssSampler {
  const started = Date.now();
  const byWorker = new Map<FleetMember, RssSample[]>();
  const sample = () => {
    const t = (Date.now() - started) / 1000;
    for (const member of live()) {
      const pid = member.process.pid;
      const tree = treeMemory([pid]);
      const nodeKb = vmRssKb(pid);
      const nodeMb = nodeKb === undefined ? undefined : nodeKb / 1024;
      if (tree.processes === 0 || nodeMb === undefined) continue; // exited since the listing
      const list = byWorker.get(member) ?? [];
      list.push({ t, nodeMb, treeMb: tree.pssMb });
      byWorker.set(member, list);
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return [...byWorker].map(([member, samples]) => ({
        name: member.name, pid: member.process.pid, samples,
        node: spreadOf(samples.map((s) => s.nodeMb)),
        tree: spreadOf(samples.map((s) => s.treeMb)),
      }));
    },
  };
}
