/**
 * @module bench/core/cleanup
 * A last-in-first-out list of stop actions: every process or server the bench starts registers
 * its stop here, so a failed suite, Ctrl-C or an uncaught error still leaves nothing running.
 */

export interface Cleanup {
  /** Registers `stop`; the returned function runs it now (once) and unregisters it. */
  add(name: string, stop: () => Promise<unknown> | unknown): () => Promise<void>;
  /** Runs every registered stop, newest first; errors are logged, not thrown. */
  runAll(): Promise<void>;
}

interface Entry {
  name: string;
  stop: () => Promise<unknown> | unknown;
  done?: Promise<void>;
}

export function createCleanup(log: (line: string) => void = (line) => console.error(line)): Cleanup {
  const entries: Entry[] = [];
  const runEntry = (entry: Entry): Promise<void> => {
    entry.done ??= (async () => {
      try {
        await entry.stop();
      } catch (error) {
        log(`cleanup: stopping ${entry.name} failed: ${(error as Error).message}`);
      }
    })();
    const index = entries.indexOf(entry);
    if (index !== -1) entries.splice(index, 1);
    return entry.done;
  };
  return {
    add(name, stop) {
      const entry: Entry = { name, stop };
      entries.push(entry);
      return () => runEntry(entry);
    },
    async runAll() {
      while (entries.length > 0) await runEntry(entries[entries.length - 1]!);
    },
  };
}

/** Runs `body` with a resource that `start` made, stopping it afterwards whatever happens. */
export async function using<R, T>(
  cleanup: Cleanup, name: string, start: () => Promise<R>, stop: (resource: R) => Promise<unknown> | unknown, body: (resource: R) => Promise<T>,
): Promise<T> {
  const resource = await start();
  const release = cleanup.add(name, () => stop(resource));
  try {
    return await body(resource);
  } finally {
    await release();
  }
}
