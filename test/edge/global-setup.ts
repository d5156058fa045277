/**
 * @module test/edge/global-setup
 * Starts real Redis + REST servers before the workerd test run and hands their addresses to
 * the Worker's bindings through `provide`. The stack runs in a child Node process: this file
 * is loaded with workerd resolve conditions, under which ioredis cannot load.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { TestProject } from 'vitest/node';

export const TEST_API_KEY = 'test-key-0123456789abcdef';

export default async function setup(project: TestProject) {
  const child = spawn(process.execPath, ['test/support/broker-stack-main.ts'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => { throw new Error(`broker stack exited with code ${code}`); }),
  ])) as [string];
  const stack = JSON.parse(line) as { brokerRestUrl: string; brokerFaultProxyUrl: string; resultsRestUrl: string; restToken: string; artifactVars: Record<string, string> };
  project.provide('brokerRestUrl', stack.brokerRestUrl);
  project.provide('brokerFaultProxyUrl', stack.brokerFaultProxyUrl);
  project.provide('resultsRestUrl', stack.resultsRestUrl);
  project.provide('restToken', stack.restToken);
  project.provide('apiKey', TEST_API_KEY);
  // The local artifact store: suites that need it pass these as binding overrides.
  project.provide('artifactVars', stack.artifactVars);
  return async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    brokerRestUrl: string;
    /** test/support/fault-proxy.ts in front of the broker's REST server. */
    brokerFaultProxyUrl: string;
    resultsRestUrl: string;
    restToken: string;
    apiKey: string;
    artifactVars: Record<string, string>;
  }
}
