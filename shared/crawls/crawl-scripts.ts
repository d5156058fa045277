/**
 * @module shared/crawls/crawl-scripts
 * The crawl's Lua scripts as they are sent to Redis: the files under shared/scripts/ with
 * BullMQ's own add-job and remove-job script bodies prepended as functions, so a crawl adds and
 * removes its page jobs exactly as `Queue.add` and `Job.remove` would, inside its own atomic
 * script. Each BullMQ body runs as `function(KEYS, ARGV) … end`: its parameters shadow the
 * globals, so one script call can add or remove any number of jobs.
 */
import { addStandardJob } from 'bullmq/dist/esm/scripts/addStandardJob-9.js';
import { removeJob } from 'bullmq/dist/esm/scripts/removeJob-2.js';
import { LUA_SCRIPTS } from '../scripts/generated.ts';

function asFunction(name: string, body: string): string {
  return `local function ${name}(KEYS, ARGV)\n${body}\nend\n`;
}

export interface CrawlScript {
  name: string;
  numberOfKeys: number;
  content: string;
}

function compose(name: keyof typeof LUA_SCRIPTS, prelude = ''): CrawlScript {
  const script = LUA_SCRIPTS[name];
  return { name, numberOfKeys: script.numberOfKeys, content: prelude + script.content };
}

export const CRAWL_SCRIPTS = {
  create: compose('crawl-create', asFunction('bullmqAddJob', addStandardJob.content)),
  advance: compose('crawl-advance', asFunction('bullmqAddJob', addStandardJob.content)),
  cancel: compose('crawl-cancel', asFunction('bullmqRemoveJob', removeJob.content)),
  pageRecord: compose('crawl-page-record'),
  pages: compose('crawl-pages'),
} as const;
