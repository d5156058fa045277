/**
 * @module test/worker/pipeline/request-plan
 * The request stage: which outputs a job gets, where they run, and the jobs it must refuse.
 */
import { describe, expect, it } from 'vitest';
import { InvalidJobError } from '../../../worker/src/errors/index.ts';
import { defineOutput } from '../../../worker/src/pipeline/outputs/index.ts';
import { planRequest } from '../../../worker/src/pipeline/request/request-plan.ts';
import { testContext } from './context.ts';

const run = async () => ({});
const always = defineOutput({ name: 'always', run });
const onlyWithRules = defineOutput({ name: 'rules', wanted: (options) => Object.keys(options.extract).length > 0, run });
const shot = defineOutput({ name: 'shot', needsBrowser: true, wanted: (options) => options.waitFor === '#shoot', run });
const outputs = [always, onlyWithRules, shot];
const url = 'http://127.0.0.2/';

describe('planRequest', () => {
  it('keeps the outputs the job wants, in registry order, apart by where they run', () => {
    expect(planRequest(testContext({ url }).options, outputs)).toEqual({ mode: 'http', browserOutputs: [], pageOutputs: [always], loadAssets: false });
    const browser = planRequest(testContext({ url, mode: 'browser', waitFor: '#shoot', extract: { a: 'a' } }).options, outputs);
    expect(browser).toEqual({ mode: 'browser', browserOutputs: [shot], pageOutputs: [always, onlyWithRules], loadAssets: true });
  });

  it('loads assets for a screenshot action too, not for other actions', () => {
    const plan = (actions: object[]) => planRequest(testContext({ url, mode: 'browser', actions } as never).options, outputs).loadAssets;
    expect(plan([{ type: 'scroll', direction: 'down' }, { type: 'screenshot' }])).toBe(true);
    expect(plan([{ type: 'click', selector: '#more' }, { type: 'scrape' }])).toBe(false);
  });

  it('refuses an http job that wants a browser output, naming it (final: no retry can fix it)', () => {
    const options = { ...testContext({ url, mode: 'browser', waitFor: '#shoot' }).options, mode: 'http' as const };
    expect(() => planRequest(options, outputs)).toThrow(InvalidJobError);
    expect(() => planRequest(options, outputs)).toThrow(/"shot" output needs mode "browser"/);
  });
});
