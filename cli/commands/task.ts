/**
 * @module cli/commands/task
 * `quarry task <name> --input '<json>'`: run a user task (POST /v1/jobs {task, input}); the
 * edge checks the input against the task's schema from the manifest (GET /openapi.json).
 */
import type { Command } from 'commander';
import { writeJson, type CommandContext } from '../context.ts';
import { EXIT, UsageError } from '../errors.ts';
import { parseSeconds } from '../flags.ts';
import { formatJob } from '../format.ts';
import { useColor } from '../io.ts';
import { fetchJob } from './status.ts';

function parseInput(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new UsageError(`--input takes a JSON document, e.g. --input '{"url":"https://example.com"}' (${(error as Error).message})`);
  }
}

function parseInteger(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new UsageError(`${flag} takes a whole number ≥ 0 (got "${value}")`);
    return Number(value);
  };
}

export interface TaskOptions {
  input?: unknown;
  priority?: number;
  delay?: number;
  attempts?: number;
  idempotencyKey?: string;
  callbackUrl?: string;
  wait?: number;
  json?: boolean;
}

export function taskBody(name: string, options: TaskOptions): Record<string, unknown> {
  return {
    task: name,
    input: options.input ?? {},
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
    ...(options.delay !== undefined ? { delayMs: options.delay } : {}),
    ...(options.attempts !== undefined ? { attempts: options.attempts } : {}),
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    ...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}),
  };
}

export function registerTask(program: Command, ctx: CommandContext): void {
  program
    .command('task')
    .description('run a task of the manifest (GET /openapi.json lists them and their input schemas)')
    .argument('<name>', 'task name, e.g. product')
    .option('--input <json>', 'the task input as JSON (default {})', parseInput)
    .option('--priority <n>', 'lower runs first (0 = default)', parseInteger('--priority'))
    .option('--delay <ms>', 'start no earlier than this many milliseconds from now', parseInteger('--delay'))
    .option('--attempts <n>', "attempts before it fails (default: the task's own)", parseInteger('--attempts'))
    .option('--idempotency-key <key>', 'the same key names the same job when resubmitted')
    .option('--callback-url <url>', 'POST the result here')
    .option('--wait <seconds>', 'wait up to this long for the run to finish, then print it', parseSeconds('--wait'))
    .action(async (name: string, options: TaskOptions, command: Command) => {
      const client = ctx.client(command);
      const accepted = await client.createJob(taskBody(name, options));
      if (options.wait === undefined) {
        if (options.json) writeJson(ctx.io, accepted);
        else ctx.io.stdout.write(`job ${accepted.id}: ${accepted.status}\n`);
        return ctx.setExitCode(EXIT.ok);
      }
      const job = await fetchJob(client, accepted.id, options.wait);
      if (options.json) writeJson(ctx.io, job);
      // A task's result is the task's own shape, not a scrape result: printed as JSON.
      else ctx.io.stdout.write(formatJob({ ...job, result: undefined }, useColor(ctx.io)) + (job.result ? `result    ${JSON.stringify(job.result)}\n` : ''));
      ctx.setExitCode(job.status === 'failed' ? EXIT.jobsFailed : EXIT.ok);
    });
}
