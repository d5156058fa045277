/**
 * @module cli/commands/job
 * `quarry job ls|cancel|retry`: list jobs by state (GET /v1/jobs, cursor pages), cancel one that
 * has not started (DELETE /v1/jobs/:id), replay a failed one (POST /v1/jobs/:id/retry), follow one
 * (GET /v1/jobs/:id/events, Server-Sent Events).
 */
import type { Command } from 'commander';
import { writeJson, type CommandContext } from '../context.ts';
import { EXIT, UsageError } from '../errors.ts';
import { table } from '../format.ts';

const STATES = ['failed', 'completed', 'delayed', 'prioritized', 'waiting', 'active'];

function parseState(value: string): string {
  if (STATES.includes(value)) return value;
  throw new UsageError(`--status must be one of ${STATES.join(', ')} (got "${value}")`);
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > 500) throw new UsageError(`--limit takes an integer from 1 to 500 (got "${value}")`);
  return limit;
}

export function registerJob(program: Command, ctx: CommandContext): void {
  const job = program.command('job').description('list, cancel and retry jobs');
  job
    .command('ls')
    .description('list jobs in one state, a page at a time (the dead-letter view is the default, failed)')
    .option('--status <state>', `one of ${STATES.join(', ')}`, parseState, 'failed')
    .option('--limit <n>', 'jobs per page, 1 to 500', parseLimit, 50)
    .option('--cursor <cursor>', 'start at the nextCursor a previous page printed')
    .action(async (options: { status: string; limit: number; cursor?: string; json?: boolean }, command: Command) => {
      const page = await ctx.client(command).listJobs(options.status, options.limit, options.cursor);
      if (options.json) writeJson(ctx.io, page);
      else {
        const { io } = ctx;
        if (page.jobs.length === 0) io.stdout.write(`no ${page.status} jobs\n`);
        else io.stdout.write(table(['id', 'mode', 'attempts', 'finished', 'url', 'error'], page.jobs.map((j) => [j.id, j.mode, j.attemptsMade, j.finishedAt, j.url, j.error])));
        // The next page's command is printed on stderr so stdout stays the table alone.
        if (page.nextCursor !== null) io.stderr.write(`more: quarry job ls --status ${page.status} --limit ${options.limit} --cursor ${page.nextCursor}\n`);
      }
      ctx.setExitCode(EXIT.ok);
    });
  job
    .command('cancel')
    .description('cancel a job that has not started (waiting, delayed or prioritized)')
    .argument('<jobId>', 'job id')
    .action(async (jobId: string, options: { json?: boolean }, command: Command) => {
      const answer = await ctx.client(command).cancelJob(jobId);
      if (options.json) writeJson(ctx.io, answer);
      else ctx.io.stdout.write(`job ${answer.id}: cancelled (was ${answer.previous})\n`);
      ctx.setExitCode(EXIT.ok);
    });
  job
    .command('retry')
    .description('queue a failed job again')
    .argument('<jobId>', 'job id')
    .action(async (jobId: string, options: { json?: boolean }, command: Command) => {
      const answer = await ctx.client(command).retryJob(jobId);
      if (options.json) writeJson(ctx.io, answer);
      else ctx.io.stdout.write(`job ${answer.id}: ${answer.status} (was ${answer.previous})\n`);
      ctx.setExitCode(EXIT.ok);
    });
  job
    .command('events')
    .description("follow a job's events until it finishes (exit code 1 when it failed); --json prints JSON Lines")
    .argument('<jobId>', 'job id')
    .action(async (jobId: string, options: { json?: boolean }, command: Command) => {
      let final = '';
      for await (const { event, data } of ctx.client(command).jobEvents(jobId)) {
        const value = JSON.parse(data) as { status?: string; progress?: unknown; attempts?: { made: number; max: number }; error?: string };
        if (options.json) ctx.io.stdout.write(`${JSON.stringify({ event, data: value })}\n`);
        else ctx.io.stdout.write(`${new Date().toISOString()}  ${eventLine(event, value)}\n`);
        if (event === 'completed' || event === 'failed') final = event;
      }
      // The stream ends after the final event, or after the server's 5-minute limit.
      if (!final && !options.json) ctx.io.stderr.write(`the stream closed before job ${jobId} finished: run the command again to keep following it\n`);
      ctx.setExitCode(final === 'failed' ? EXIT.jobsFailed : EXIT.ok);
    });
}

function eventLine(event: string, value: { status?: string; progress?: unknown; attempts?: { made: number; max: number }; error?: string }): string {
  if (event === 'status') return `status    ${value.status}${value.attempts ? ` (attempt ${value.attempts.made + 1} of ${value.attempts.max})` : ''}`;
  if (event === 'progress') return `progress  ${JSON.stringify(value.progress)}`;
  if (event === 'failed') return `failed    ${value.error ?? ''}`;
  return event.padEnd(10) + (value.status ?? '');
}
