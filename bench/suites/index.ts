/**
 * @module bench/suites
 * Every suite `npm run bench` knows, in the order a full run takes them. A new suite
 * (politeness, batch, scaling…) is one module exporting a `Suite` plus one line here.
 */
import type { Suite } from '../core/suite.ts';
import { enqueueSuite } from './enqueue/index.ts';
import { browserSuite } from './browser/index.ts';
import { httpSuite } from './http/index.ts';
import { batchSuite } from './batch/index.ts';
import { politenessSuite } from './politeness/index.ts';
import { formatsMarkdownSuite, formatsScreenshotSuite } from './formats/index.ts';
import { crawlSuite } from './crawl/index.ts';

export const SUITES: readonly Suite[] = [enqueueSuite, batchSuite, httpSuite, browserSuite, formatsMarkdownSuite, formatsScreenshotSuite, politenessSuite, crawlSuite];
