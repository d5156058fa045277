/**
 * @module shared/scrape-options/action-options
 * `actions`: browser steps run on the loaded page before the outputs read it, in Firecrawl's
 * shape: wait, click, write, press, scroll, screenshot, executeJavascript, scrape. At most 50,
 * and at most 60 s of waiting in all (a `wait` for a selector counts its timeout).
 */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import type { ScrapeOptionsCheck } from './check.ts';
import type { JobMode } from './fetch-options.ts';
import { cssSelectorSchema } from './selectors.ts';

const { actions: limits } = LIMITS;
/** How long a `wait` for a selector waits at most when it names no `milliseconds`. */
export const DEFAULT_SELECTOR_WAIT_MS = 10_000;

const waitAction = z.strictObject({
  type: z.literal('wait'),
  milliseconds: z.int().min(1).max(limits.totalWaitMs).optional().describe('Pause this long; with selector: wait at most this long for it'),
  selector: cssSelectorSchema.optional().describe('Wait until an element matches (at most milliseconds, default 10,000)'),
}).refine((action) => action.milliseconds !== undefined || action.selector !== undefined, 'a wait needs milliseconds or selector');

const clickAction = z.strictObject({
  type: z.literal('click'),
  selector: cssSelectorSchema,
  all: z.boolean().optional().describe('Click every match, not just the first'),
});

const writeAction = z.strictObject({
  type: z.literal('write'),
  selector: cssSelectorSchema.optional().describe('Focus (click) this element first; else type into the focused one'),
  text: z.string().max(limits.textMaxLength),
});

const pressAction = z.strictObject({
  type: z.literal('press'),
  key: z.string().min(1).max(limits.keyMaxLength).regex(/^[\x21-\x7e]+$/, 'must be a key name such as "Enter", "Tab", "ArrowDown" or "a"')
    .describe('A key name as Puppeteer knows it: Enter, Tab, Escape, ArrowDown, a, …'),
});

const scrollAction = z.strictObject({
  type: z.literal('scroll'),
  direction: z.enum(['up', 'down']).default('down'),
  selector: cssSelectorSchema.optional().describe('Scroll this element (else the page) by one screen'),
});

const screenshotAction = z.strictObject({
  type: z.literal('screenshot'),
  fullPage: z.boolean().optional(),
});

const scriptAction = z.strictObject({
  type: z.literal('executeJavascript'),
  script: z.string().min(1).max(limits.scriptMaxLength).describe('A function body run in the page; its (awaited) return value, as JSON, goes to actions.javascriptReturns'),
});

const scrapeAction = z.strictObject({ type: z.literal('scrape') }).describe('Stores the page\'s URL and HTML at this point in actions.scrapes');

export const actionSchema = z.discriminatedUnion('type', [
  waitAction, clickAction, writeAction, pressAction, scrollAction, screenshotAction, scriptAction, scrapeAction,
], { error: 'must be an action: {"type": "wait" | "click" | "write" | "press" | "scroll" | "screenshot" | "executeJavascript" | "scrape", …}' });
export type Action = z.infer<typeof actionSchema>;

export const actionOptionsShape = {
  actions: z.array(actionSchema).min(1, 'must hold at least one action (leave it out for none)').max(limits.max, `must hold at most ${limits.max} actions`).optional()
    .describe('Browser mode: steps run in order on the loaded page before the outputs read it. The result gets actions: {screenshots, javascriptReturns, scrapes}.')
    .meta({ example: [{ type: 'click', selector: '#load-more' }, { type: 'wait', selector: '.item:nth-child(20)' }, { type: 'screenshot' }] }),
};

/** Milliseconds an action may spend waiting (the budget the 60 s limit sums). */
export function actionWaitMs(action: Action): number {
  if (action.type !== 'wait') return 0;
  return action.milliseconds ?? DEFAULT_SELECTOR_WAIT_MS;
}

export const checkActionOptions: ScrapeOptionsCheck<{ mode?: JobMode; actions?: Action[] | undefined }> = (options, ctx) => {
  if (!options.actions) return;
  if (options.mode !== 'browser') {
    ctx.addIssue({ code: 'custom', message: 'actions need mode "browser": a plain HTTP fetch has no page to click or type into', path: ['actions'], input: options.actions });
  }
  const total = options.actions.reduce((sum, action) => sum + actionWaitMs(action), 0);
  if (total > limits.totalWaitMs) {
    ctx.addIssue({ code: 'custom', message: `wait ${total} ms in all: at most ${limits.totalWaitMs} (a selector wait without milliseconds counts ${DEFAULT_SELECTOR_WAIT_MS})`, path: ['actions'], input: options.actions });
  }
};

/** What a job's `actions` add to its result. */
export const actionsResultSchema = z.object({
  screenshots: z.array(z.string()).describe('Artifact names of the screenshot actions, in order (signed URLs in result.artifacts)'),
  javascriptReturns: z.array(z.object({ type: z.string(), value: z.unknown() })).describe('What each executeJavascript action returned'),
  scrapes: z.array(z.object({ url: z.string(), html: z.string() })).describe('The page at each scrape action'),
});
export type ActionsResult = z.infer<typeof actionsResultSchema>;
