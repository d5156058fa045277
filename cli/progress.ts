/**
 * @module cli/progress
 * Progress of `--wait`: a cli-progress bar on a terminal, a plain line per change otherwise
 * (CI logs), both on stderr so stdout stays parseable.
 */
import { Presets, SingleBar } from 'cli-progress';
import type { CliIo } from './io.ts';
import type { BatchTotals } from './wait-batches.ts';

export interface ProgressReporter {
  update(totals: BatchTotals): void;
  /** Leaves the terminal clean for the summary that follows. */
  stop(): void;
}

export function createProgress(io: CliIo): ProgressReporter {
  return io.stderr.isTTY ? barProgress(io) : lineProgress(io);
}

function barProgress(io: CliIo): ProgressReporter {
  const bar = new SingleBar({
    stream: io.stderr,
    format: '{bar} {percentage}% | {value}/{total} finished | {failed} failed | ETA {eta_formatted}',
    hideCursor: true,
    etaBuffer: 20,
  }, Presets.shades_classic);
  let started = false;
  return {
    update(totals) {
      const done = totals.completed + totals.failed;
      if (!started) {
        bar.start(totals.total, done, { failed: totals.failed });
        started = true;
      } else {
        bar.setTotal(totals.total);
        bar.update(done, { failed: totals.failed });
      }
    },
    stop: () => { if (started) bar.stop(); },
  };
}

function lineProgress(io: CliIo): ProgressReporter {
  let last = '';
  return {
    update(totals) {
      const line = `progress: ${totals.completed + totals.failed}/${totals.total} finished (${totals.failed} failed)`;
      if (line !== last) io.stderr.write(`${line}\n`);
      last = line;
    },
    stop() {},
  };
}

/** Runs `work` with a reporter and always stops it, so an error never leaves a half-drawn bar. */
export async function withProgress<T>(io: CliIo, work: (onProgress: (totals: BatchTotals) => void) => Promise<T>): Promise<T> {
  const progress = createProgress(io);
  try {
    return await work((totals) => progress.update(totals));
  } finally {
    progress.stop();
  }
}
