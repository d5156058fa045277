/**
 * @module cli/commands/domain
 * `quarry domain show|limits`: a domain's politeness state (GET /v1/domains/:host) and its
 * fleet-wide override (PUT|DELETE /v1/domains/:host/limits, admin scope).
 */
import type { Command } from 'commander';
import type { DomainView } from '../client.ts';
import { writeJson, type CommandContext } from '../context.ts';
import { EXIT, UsageError } from '../errors.ts';
import { fields, table } from '../format.ts';

/** `--rate 5/1s`: `max/window`, the window in ms or with a unit (ms, s, m, h, d); repeatable. */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export function collectRate(value: string, previous: { max: number; perMs: number }[] = []): { max: number; perMs: number }[] {
  const match = /^(\d+)\/(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) throw new UsageError(`--rate takes max/window, e.g. 5/1s, 100/1m or 10/250ms (got "${value}")`);
  return [...previous, { max: Number(match[1]), perMs: Number(match[2]) * UNITS[match[3] ?? 'ms']! }];
}

function parseConcurrency(value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`--concurrency takes a whole number (got "${value}")`);
  return Number(value);
}

const rates = (list: { max: number; perMs: number }[]) => (list.length === 0 ? 'none' : list.map((r) => `${r.max}/${r.perMs}ms`).join(', '));

function formatDomain(view: DomainView): string {
  let text = fields([
    ['domain', view.domain],
    ['override', view.override ? JSON.stringify(view.override) : 'none (fleet defaults)'],
    ['rates', rates(view.effective.rates)],
    ['concurrency', String(view.effective.concurrency)],
    ['in flight', `${view.usage.activeLeases} leases, ${view.usage.reservedAhead} reserved ahead`],
    ['next slot', view.usage.nextSlotAt],
    ['cooldown', view.cooldownUntil ?? 'none'],
  ]);
  if (view.usage.windows.length > 0) {
    text += '\n' + table(['window', 'max', 'used'], view.usage.windows.map((w) => [`${w.perMs}ms`, w.max, w.used]));
  }
  if (view.robots.length > 0) {
    text += '\n' + table(['robots.txt', 'outcome', 'status', 'fetched'], view.robots.map((r) => [r.origin, r.outcome, r.status, r.fetchedAt]));
  }
  return text;
}

export function registerDomain(program: Command, ctx: CommandContext): void {
  const domain = program.command('domain').description("a domain's politeness: state and limits");
  domain
    .command('show')
    .description('limits, usage per window, leases, cooldown and robots.txt state of a host')
    .argument('<host>', 'host[:port], e.g. example.com or 127.0.0.2:8080')
    .action(async (host: string, options: { json?: boolean }, command: Command) => {
      const view = await ctx.client(command).getDomain(host);
      if (options.json) writeJson(ctx.io, view);
      else ctx.io.stdout.write(formatDomain(view));
      ctx.setExitCode(EXIT.ok);
    });
  domain
    .command('limits')
    .description("set a host's fleet-wide override (admin scope); --reset goes back to the defaults")
    .argument('<host>', 'host[:port]')
    .option('--rate <max/window>', 'at most max requests per window, e.g. 5/1s; repeatable (replaces the default windows)', collectRate)
    .option('--concurrency <n>', 'requests in flight at once, fleet-wide', parseConcurrency)
    .option('--reset', 'delete the override')
    .action(async (host: string, options: { rate?: { max: number; perMs: number }[]; concurrency?: number; reset?: boolean; json?: boolean }, command: Command) => {
      const client = ctx.client(command);
      const setting = options.rate !== undefined || options.concurrency !== undefined;
      if (Boolean(options.reset) === setting) throw new UsageError('give --rate and/or --concurrency, or --reset');
      const answer = options.reset
        ? await client.deleteDomainLimits(host)
        : await client.putDomainLimits(host, { ...(options.rate ? { rates: options.rate } : {}), ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}) });
      if (options.json) writeJson(ctx.io, answer);
      else ctx.io.stdout.write(`domain ${answer.domain}: ${answer.limits ? `limits ${JSON.stringify(answer.limits)}` : 'override removed'}\n`);
      ctx.setExitCode(EXIT.ok);
    });
}
