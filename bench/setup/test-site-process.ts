/**
 * @module bench/setup/test-site-process
 * Starts bench/setup/site-main.ts (the loopback test site on 127.0.0.2–127.0.0.5) as a child.
 */
import { fileURLToPath } from 'node:url';
import type { Cleanup } from '../core/cleanup.ts';
import { spawnChild } from './child.ts';

/** One simulated domain per address; the only non-127.0.0.1 addresses the bench ever uses. */
export const SITE_HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];

export interface SiteProcess {
  readonly port: number;
  readonly hosts: readonly string[];
  readonly pid: number;
  url(host: string, path: string): string;
  stop(): Promise<void>;
}

export async function startSiteProcess(cleanup: Cleanup, hosts: readonly string[] = SITE_HOSTS): Promise<SiteProcess> {
  const main = fileURLToPath(new URL('./site-main.ts', import.meta.url));
  const child = spawnChild(process.execPath, [main, hosts.join(',')]);
  const stop = cleanup.add('test site', () => child.stop(5_000));
  try {
    const match = await child.waitForLine(/\{"port":(\d+)\}/, 15_000);
    const port = Number(match[1]);
    return { port, hosts, pid: child.pid, url: (host, path) => `http://${host}:${port}${path}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
