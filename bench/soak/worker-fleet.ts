/**
 * @module bench/soak/worker-fleet
 * The soak's real worker processes: a fixed number of slots, each running one worker at a time;
 * `crash()` SIGKILLs a slot's worker with its whole tree (Chromium too, as a lost pod would) and
 * starts a replacement at once. Every worker that ever ran keeps its record for the report.
 */
import { freePort } from '../../dev/local/free-port.ts';
import { startWorkerProcess, type WorkerProcess } from '../../dev/local/worker-process.ts';
import { stopProcessTree } from '../setup/child.ts';

export interface FleetOptions {
  root: string;
  /** Worker processes running at once. */
  size: number;
  /** Environment of every worker (broker, result store, prefix, limits, …). */
  env: Record<string, string>;
  verbose: boolean;
}

export interface FleetMember {
  /** `w1`, `w2`, … in start order; replacements get new names. */
  name: string;
  slot: number;
  process: WorkerProcess;
  startedAt: number;
  /** When the soak sent it SIGKILL, or began stopping it at the end. */
  endedAt?: number;
  killed: boolean;
}

export interface WorkerFleet {
  /** Everyone, past and present. */
  readonly members: readonly FleetMember[];
  /** The workers running now. */
  live(): FleetMember[];
  /** Resolves once every live worker's `/readyz` answers 200. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGKILL the tree of the worker in `slot`, then start its replacement; returns the victim. */
  crash(slot: number): Promise<FleetMember>;
  /** SIGTERM every live worker (graceful drain), SIGKILL leftovers after the grace. */
  stop(graceMs?: number): Promise<void>;
}

export async function startWorkerFleet(options: FleetOptions): Promise<WorkerFleet> {
  const { root, size, env, verbose } = { ...options };
  const members: FleetMember[] = [];

  const launch = async (slot: number): Promise<FleetMember> => {
    const process = startWorkerProcess({ root, inheritOutput: verbose, env, healthPort: await freePort() });
    const member: FleetMember = { name: `w${members.length + 1}`, slot, process, startedAt: Date.now(), killed: false };
    members.push(member);
    return member;
  };
  const live = () => members.filter((member) => member.endedAt === undefined);

  for (let slot = 0; slot < size; slot++) await launch(slot);

  return {
    members,
    live,
    async ready(timeoutMs = 60_000) {
      await Promise.all(live().map((member) => member.process.ready(timeoutMs)));
    },
    async crash(slot) {
      const victim = live().find((member) => member.slot === slot);
      if (!victim) throw new Error(`no live worker in slot ${slot}`);
      victim.killed = true;
      await stopProcessTree(victim.process.pid, () => {
        // Stamped as the signal goes out: what the worker wrote before this, it wrote alive.
        victim.endedAt = Date.now();
        return victim.process.kill();
      }, 2_000);
      await launch(slot);
      return victim;
    },
    async stop(graceMs = 15_000) {
      await Promise.all(live().map(async (member) => {
        member.endedAt = Date.now();
        await stopProcessTree(member.process.pid, () => member.process.stop(), graceMs);
      }));
    },
  };
}
