/**
 * @module edge/jobs/wrap-bullmq-script
 * Runs one of BullMQ's own Lua scripts inside a function so Quarry can check state before it
 * and shape the reply after it, in the same atomic script and the same round trip.
 */
export interface WrapOptions {
  /** Lua run first; may `return` early (e.g. a state check). */
  before?: string;
  /** Lua expression for the reply; `bullmqResult` holds what BullMQ's script returned. */
  reply?: string;
}

export function wrapBullmqScript(content: string, options: WrapOptions = {}): string {
  const { before = '', reply = 'bullmqResult' } = { ...options };
  return [before, 'local function bullmqScript()', content, 'end', 'local bullmqResult = bullmqScript()', `return ${reply}`].join('\n');
}

/** Lua that sets `quarryState` to the job's state by the same checks as BullMQ's getState. */
export const JOB_STATE_LUA = (jobIdExpr: string, base: string) => `
local quarryState = nil
local quarryBase = ${base}
for _, z in ipairs({ "completed", "failed", "delayed", "prioritized", "waiting-children" }) do
  if redis.call("ZSCORE", quarryBase .. z, ${jobIdExpr}) then quarryState = z break end
end
if not quarryState then
  for _, l in ipairs({ {"active", "active"}, {"wait", "waiting"}, {"paused", "waiting"} }) do
    if redis.call("LPOS", quarryBase .. l[1], ${jobIdExpr}) then quarryState = l[2] break end
  end
end
`;
