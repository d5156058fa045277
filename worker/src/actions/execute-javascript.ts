/**
 * @module worker/actions/execute-javascript
 * `{type: "executeJavascript", script}`: runs the script as an async function body in the page;
 * its awaited return value (as JSON, ≤ 65,536 characters) goes to `actions.javascriptReturns`. The source is
 * evaluated by DevTools (Runtime.evaluate), not by `new Function` in the page, so a page whose
 * Content-Security-Policy forbids eval still runs it. The script runs with the page's rights
 * only, so wrapping it in source text gives it nothing it did not have.
 */
import { ActionStepError } from './action-errors.ts';
import type { ActionRunner } from './define-action.ts';

const MAX_RETURN_CHARS = 65_536;

interface Returned { type: string; json?: string; error?: string; tooLarge?: true }

/**
 * The script as an expression whose value says what it returned or threw, JSON-encoded and
 * measured in the page: an oversized value never crosses the DevTools connection.
 */
function wrap(body: string): string {
  return `(async () => {
  try {
    const value = await (async () => {
${body}
    })();
    const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    const json = value === undefined ? undefined : JSON.stringify(value);
    return json !== undefined && json.length > ${MAX_RETURN_CHARS} ? { type, tooLarge: true } : { type, json };
  } catch (error) {
    return { type: 'error', error: String(error) };
  }
})()`;
}

export const executeJavascriptAction: ActionRunner<'executeJavascript'> = async (action, { page, result }) => {
  let returned: Returned;
  try {
    returned = await page.evaluate(wrap(action.script)) as Returned;
  } catch (error) {
    // What it throws at run time is caught in the page; only a script that does not parse gets here
    // (or a page that went away, which keeps its own error).
    const { name, message } = error as Error;
    if (name === 'SyntaxError') throw new ActionStepError(`the script could not run: SyntaxError: ${message.split('\n')[0]}`);
    throw error;
  }
  if (returned.error !== undefined) throw new ActionStepError(`the script threw ${returned.error.slice(0, 200)}`);
  if (returned.tooLarge) throw new ActionStepError(`the script returned more than ${MAX_RETURN_CHARS} characters of JSON`);
  result.javascriptReturns.push({ type: returned.type, value: returned.json === undefined ? null : JSON.parse(returned.json) as unknown });
};
