/**
 * @module test/support/broker-stack-main
 * Runs a broker stack (and the local artifact store) in its own Node process and prints their
 * addresses as one JSON line, for callers that must not load ioredis themselves (the workerd
 * test project's global setup).
 */
import { startArtifactServer } from '../../dev/local/artifact-server.ts';
import { startBrokerStack } from './broker-stack.ts';
import { startFaultProxy } from './fault-proxy.ts';

const stack = await startBrokerStack();
// In front of the broker's REST server, for tests that make the broker fail on the Nth request.
const faultProxy = await startFaultProxy(stack.broker.rest.url);
const artifacts = await startArtifactServer();
process.stdout.write(`${JSON.stringify({
  brokerRestUrl: stack.broker.rest.url,
  brokerFaultProxyUrl: faultProxy.url,
  resultsRestUrl: stack.results.rest.url,
  restToken: stack.broker.rest.token,
  brokerRedisUrl: stack.broker.redis.url,
  resultsRedisUrl: stack.results.redis.url,
  artifactVars: artifacts.edgeVars,
})}\n`);
const stop = () => void Promise.allSettled([faultProxy.close(), artifacts.close()]).then(() => stack.stop()).then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// The parent closing our stdin means it is gone: stop rather than leak servers.
process.stdin.resume();
process.stdin.once('end', stop);
