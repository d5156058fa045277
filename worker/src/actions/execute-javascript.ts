/**
 * @module worker/actions/execute-javascript
 * `{type: "executeJavascript", script}`: runs the script as an async function body in the page;
 * its awaited return value (as JSON, ≤ 64 KiB) goes to `actions.javascriptReturns`.
 */
import { ActionStepError, type ActionRunner } from './define-action.ts';

const MAX_RETURN_BYTES = 65_536;

export const executeJavascriptAction: ActionRunner<'executeJavascript'> = async (action, { page, result }) => {
  let returned: { type: string; json: string | undefined; error?: string };
  try {
    returned = await page.evaluate(async (body) => {
      try {
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        const value = await new Function(`return (async () => { ${body}\n })()`)();
        return { type: value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value, json: value === undefined ? undefined : JSON.stringify(value) };
      } catch (error) {
        return { type: 'error', json: undefined, error: String(error) };
      }
    }, action.script);
  } catch (error) {
    throw new ActionStepError(`the script could not run: ${(error as Error).message.split('\n')[0]}`);
  }
  if (returned.error !== undefined) throw new ActionStepError(`the script threw ${returned.error.slice(0, 200)}`);
  if (returned.json !== undefined && returned.json.length > MAX_RETURN_BYTES) throw new ActionStepError(`the script returned more than ${MAX_RETURN_BYTES} bytes of JSON`);
  result.javascriptReturns.push({ type: returned.type, value: returned.json === undefined ? null : JSON.parse(returned.json) });
};
