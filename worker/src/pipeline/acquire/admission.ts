/**
 * @module worker/pipeline/acquire/admission
 * The acquire stage: the politeness gate (robots.txt, the domain's slot, cooldowns) around a
 * loader. The loader calls `admit()` right before its first request, so nothing slow sits
 * between the slot and the request: HTTP admits at once, the browser once a page is leased and
 * set up (render stage). Admission starts the job's deadline. Later hops (redirects, a
 * script's navigation) pass the gate for their own site through `hop`. Whatever the loader
 * ends with, the leases are released; a 429/503 may become a fleet-wide cooldown (the gate's
 * `onError` decides what the job throws instead).
 */
import type { GatePass, PolitenessGate } from '../../politeness/index.ts';
import type { JobContext } from '../job-context.ts';

export interface Admission {
  /** Takes the job's pass (with a gate) and starts its deadline; throws the gate's verdict. */
  readonly admit: () => Promise<void>;
  /** Passes a later hop's URL through the gate; undefined without a gate (nothing to ask). */
  readonly hop: ((url: URL) => Promise<void>) | undefined;
  /** The gate ran the SSRF check on the job's URL while admitting it: the fetcher skips it once. */
  readonly urlChecked: boolean;
}

/** One job's admission. A class, not an object literal with a getter: V8 builds those on a slow path, once per job. */
class GateAdmission implements Admission {
  pass: GatePass | undefined = undefined;
  readonly hop: ((url: URL) => Promise<void>) | undefined;
  readonly #gate: PolitenessGate | undefined;
  readonly #ctx: JobContext;
  constructor(gate: PolitenessGate | undefined, ctx: JobContext) {
    this.#gate = gate;
    this.#ctx = ctx;
    this.hop = gate ? (url) => this.pass!.hop(url) : undefined;
  }
  readonly admit = async (): Promise<void> => {
    if (this.#gate) this.pass = await this.#gate.enter(this.#ctx.jobId, this.#ctx.options, this.#ctx.firstStart);
    this.#ctx.deadline.start();
  };
  get urlChecked(): boolean {
    return this.pass?.urlChecked ?? false;
  }
}

/** Runs `load` with an admission for `ctx`'s job; releases what it took whatever happens. */
export async function withAdmission<T>(gate: PolitenessGate | undefined, ctx: JobContext, load: (admission: Admission) => Promise<T>): Promise<T> {
  const admission = new GateAdmission(gate, ctx);
  try {
    return await load(admission);
  } catch (error) {
    throw admission.pass && gate ? await gate.onError(admission.pass, error) : error;
  } finally {
    await admission.pass?.release();
  }
}
