/**
 * @module bench/setup/site-main
 * The test site in its own process, so serving thousands of pages a second neither slows the
 * harness's clocks nor counts towards any system's CPU. Prints `{"port":…}` once listening;
 * stops on SIGTERM or when the parent closes stdin.
 */
import { startTestSite } from '../../test/support/test-site.ts';

const hosts = (process.argv[2] ?? '127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5').split(',');
const site = await startTestSite({ hosts });
// The request log would grow by every page served; the bench does not read it.
setInterval(() => site.clearLog(), 1_000).unref();
process.stdout.write(`${JSON.stringify({ port: site.port })}\n`);

const stop = () => void site.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdin.resume();
process.stdin.once('end', stop);
