/**
 * @module bench/peers/politeness/local-limiter
 * The per-process politeness most scrapers ship (Crawlee, Scrapy's downloader slots, Bottleneck):
 * per-domain sliding windows and a concurrency cap kept in this process's memory, exact on its
 * own clock, with no idea what the other processes of the fleet are doing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RateWindow } from '../../../shared/domain-limits.ts';

export interface LocalDomainLimits {
  rates: RateWindow[];
  /** Requests in flight to the domain from this process; 0 = no cap. */
  concurrency: number;
}

interface DomainState {
  limits: LocalDomainLimits;
  /** Send times (planned, then actual), ascending: new slots only ever go at or after the last one. */
  grants: number[];
  inFlight: number;
  /** Callers waiting for a concurrency permit, first come first served. */
  waiting: Array<() => void>;
}

export interface LocalLimiter {
  /** Waits for a permit and the domain's next free slot; call the returned release when done. */
  acquire(domain: string): Promise<() => void>;
}

/** Earliest time ≥ now at which one more grant keeps every window at most `max`. */
function nextSlot(state: DomainState, now: number): number {
  let slot = Math.max(now, state.grants.at(-1) ?? now);
  for (const window of state.limits.rates) {
    const bound = state.grants[state.grants.length - window.max];
    if (bound !== undefined) slot = Math.max(slot, bound + window.perMs);
  }
  return slot;
}

export function createLocalLimiter(limits: Record<string, LocalDomainLimits>): LocalLimiter {
  const domains = new Map<string, DomainState>();
  const longest = (state: DomainState) => Math.max(0, ...state.limits.rates.map((window) => window.max));
  const stateOf = (domain: string) => {
    let state = domains.get(domain);
    if (!state) {
      state = { limits: limits[domain] ?? { rates: [], concurrency: 0 }, grants: [], inFlight: 0, waiting: [] };
      domains.set(domain, state);
    }
    return state;
  };
  const release = (state: DomainState) => {
    const next = state.waiting.shift();
    if (next) next(); // the permit passes straight to the next waiter
    else state.inFlight -= 1;
  };
  return {
    async acquire(domain) {
      const state = stateOf(domain);
      const cap = state.limits.concurrency;
      if (cap > 0 && state.inFlight >= cap) await new Promise<void>((resolve) => state.waiting.push(resolve));
      else state.inFlight += 1;
      // Reserve the slot before sleeping, so concurrent callers line up behind it.
      const slot = nextSlot(state, Date.now());
      state.grants.push(slot);
      const keep = longest(state);
      if (state.grants.length > keep) state.grants.splice(0, state.grants.length - keep);
      const wait = slot - Date.now();
      if (wait > 0) await sleep(wait);
      // Log when the request really went (timers fire late on a busy machine), as a sliding-window
      // log does; keeping the planned slot would let the next window open too early.
      const index = state.grants.indexOf(slot);
      if (index !== -1) state.grants[index] = Math.max(slot, Date.now());
      state.grants.sort((a, b) => a - b);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        release(state);
      };
    },
  };
}
