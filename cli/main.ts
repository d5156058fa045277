#!/usr/bin/env node
/**
 * @module cli/main
 * The `quarry` command: enqueue URL files as batches, scrape one URL, follow jobs and batches,
 * download a batch's results. `runCli`
 * runs it in-process (tests pass captured streams); run directly, it sets the exit code.
 */
import { Command, CommanderError } from 'commander';
import { registerBatch } from './commands/batch.ts';
import { registerCrawl } from './commands/crawl.ts';
import { registerEnqueue } from './commands/enqueue.ts';
import { registerResults } from './commands/results.ts';
import { registerScrape } from './commands/scrape.ts';
import { registerSchedule } from './commands/schedule.ts';
import { registerStatus } from './commands/status.ts';
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
  quarry schedule ls`;

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('quarry')
    .description('Submit scrape jobs to a Quarry edge API and follow their progress.')
    .option('--endpoint <url>', `API base URL (env QUARRY_URL, default ${DEFAULT_ENDPOINT})`)
    .option('--api-key <key>', 'API key (env QUARRY_API_KEY)')
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
