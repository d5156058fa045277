/**
 * @module cli/commands/status
 * `quarry status <jobId> [--wait <s>] [--json]`: a job's state and result.
 */
import type { Command } from 'commander';
import { MAX_WAIT_SECONDS, type JobView, type QuarryClient } from '../client.ts';
import { writeJson, type CommandContext } from '../context.ts';
import { EXIT } from '../errors.ts';
import { parseSeconds } from '../flags.ts';
import { formatJob } from '../format.ts';
import { useColor } from '../io.ts';

export interface StatusOptions {
  /** Seconds to wait for the job to finish (long polls of ≤ 60 s each). */
  wait?: number;
  /** Print the API's JobView as JSON. */
  json?: boolean;
}

const isFinal = (job: JobView) => job.status === 'completed' || job.status === 'failed';

export function registerStatus(program: Command, ctx: CommandContext): void {
  program
    .command('status')
    .description("print a job's state and result (exit code 1 when the job failed)")
    .argument('<jobId>', 'job id, as printed by enqueue or returned by the API')
    .option('--wait <seconds>', 'wait up to this long for the job to finish', parseSeconds('--wait'))
    .option('--json', 'print the raw JobView JSON')
    .action(async (jobId: string, options: StatusOptions, command: Command) => {
      const job = await fetchJob(ctx.client(command), jobId, options.wait ?? 0);
      if (options.json) writeJson(ctx.io, job);
      else ctx.io.stdout.write(formatJob(job, useColor(ctx.io)));
      ctx.setExitCode(job.status === 'failed' ? EXIT.jobsFailed : EXIT.ok);
    });
}

/** The server caps one long poll at 60 s, so longer waits chain polls until the deadline. */
export async function fetchJob(client: QuarryClient, jobId: string, waitSeconds: number): Promise<JobView> {
  const deadline = Date.now() + waitSeconds * 1000;
  let job = await client.getJob(jobId, Math.min(MAX_WAIT_SECONDS, waitSeconds));
  for (let remaining = deadline - Date.now(); !isFinal(job) && remaining >= 1000; remaining = deadline - Date.now()) {
    job = await client.getJob(jobId, Math.min(MAX_WAIT_SECONDS, Math.floor(remaining / 1000)));
  }
  return job;
}
