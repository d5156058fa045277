#!/usr/bin/env node
/**
 * @module cli/main
 * The `quarry` command: one subcommand per API route (all but the third-party webhook
 * /v1/hooks/{name}); `--json` makes every one print JSON instead of tables. `runCli`
 * runs it in-process (tests pass captured streams); run directly, it sets the exit code.
 */
import { Command, CommanderError } from 'commander';
import { registerBatch } from './commands/batch.ts';
import { registerCrawl } from './commands/crawl.ts';
import { registerDomain } from './commands/domain.ts';
import { registerEnqueue } from './commands/enqueue.ts';
import { registerJob } from './commands/job.ts';
import { registerMap } from './commands/map.ts';
import { registerResults } from './commands/results.ts';
import { registerScrape } from './commands/scrape.ts';
import { registerSchedule } from './commands/schedule.ts';
import { registerStatus } from './commands/status.ts';
import { registerTask } from './commands/task.ts';
import { DEFAULT_ENDPOINT } from './config.ts';
import { createContext } from './context.ts';
import { CliError, EXIT } from './errors.ts';
import { processIo, type CliIo } from './io.ts';

const HELP_FOOTER = `
Environment:
  QUARRY_URL       API endpoint when --endpoint is not given (default ${DEFAULT_ENDPOINT})
  QUARRY_API_KEY   API key when --api-key is not given (preferred: flags show up in ps)
  NO_COLOR         disable colors

Exit codes:
  0  success
  1  a job failed (status, batch, enqueue --wait)
  2  invalid input, missing API key, or the API rejected the request (4xx)
  3  the API could not be reached
  4  the API failed (5xx): retry later

Examples:
  quarry enqueue urls.txt --extract title=h1 --extract "links[]=a" --wait
  grep shop urls.txt | quarry enqueue - --mode browser --idempotency-key shop-2024-06-01
  quarry status 3f0c9a52-… --wait 30
  quarry batch b-2b7e… --json
  quarry scrape https://example.com/docs --format markdown --only-main-content
  quarry scrape https://example.com --format screenshot --full-page --save shots/
  quarry results b-2b7e… --format csv > results.csv
  quarry crawl https://docs.example.com/ --limit 500 --depth 3 --wait
  quarry crawl pages 3f2a…c-5b0c… --jsonl > pages.jsonl
  quarry schedule add https://shop.example/p/1 --every 1h --extract price=.price
  quarry schedule ls
  quarry schedule disable sc-… && quarry schedule show sc-…
  quarry job ls --status failed --limit 20
  quarry job retry 3f0c9a52-…
  quarry job events 3f0c9a52-… --json
  quarry domain show example.com
  quarry domain limits example.com --rate 5/1s --rate 100/1m --concurrency 2
  quarry map https://docs.example.com/ --limit 200 | quarry enqueue -
  quarry task product --input '{"url":"https://shop.example/p/1"}' --wait 60
  quarry --json job ls --status waiting | jq -r '.jobs[].id'

Not a CLI route: POST /v1/hooks/{name} is a webhook for third parties, authenticated by the
sender's signature (GitHub or Quarry scheme) rather than an API key, so no command sends it.`;

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('quarry')
    .description('Submit scrape jobs to a Quarry edge API and follow their progress.')
    .option('--endpoint <url>', `API base URL (env QUARRY_URL, default ${DEFAULT_ENDPOINT})`)
    .option('--api-key <key>', 'API key (env QUARRY_API_KEY)')
    .option('--json', 'machine-readable output: one JSON document (JSON Lines for streams) instead of tables')
    // Settings here are inherited by the subcommands created below.
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .exitOverride()
    .showHelpAfterError('(run quarry --help for usage)')
    .addHelpText('after', HELP_FOOTER);
  const ctx = createContext(io, setExitCode);
  registerEnqueue(program, ctx);
  registerStatus(program, ctx);
  registerBatch(program, ctx);
  registerScrape(program, ctx);
  registerResults(program, ctx);
  registerCrawl(program, ctx);
  registerSchedule(program, ctx);
  registerJob(program, ctx);
  registerDomain(program, ctx);
  registerMap(program, ctx);
  registerTask(program, ctx);
  // The global --json (given before or after the subcommand) reaches every action as options.json.
  program.hook('preAction', (root, action) => {
    if (root.opts<{ json?: boolean }>().json) action.setOptionValue('json', true);
  });
  return program;
}

/** Runs the CLI with user arguments (no node/script prefix) and resolves with the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => { exitCode = code; });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(io, error);
  }
}

function reportError(io: CliIo, error: unknown): number {
  // Commander has already printed its message (or the help); only the exit code is left to decide.
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.rejected;
  if (error instanceof CliError) {
    io.stderr.write(`error: ${error.message}\n${error.details.map((line) => `  ${line}\n`).join('')}`);
    return error.exitCode;
  }
  // A bug rather than a user error: keep the stack.
  io.stderr.write(`error: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}

if (import.meta.main) process.exitCode = await runCli(process.argv.slice(2));
