/**
 * @module shared/scripts/load-scripts
 * Loads the Lua scripts of this folder: name, number of keys (from the BullMQ-style file name
 * `<name>-<numKeys>.lua`) and content with its `--- @include "<name>"` lines resolved from
 * `includes/<name>.lua`, so a script sent to Redis is one self-contained text.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export interface LuaScript {
  /** File name without the key count and extension, e.g. `domain-acquire`. */
  readonly name: string;
  /** How many leading arguments are keys (EVAL's numkeys). */
  readonly numberOfKeys: number;
  /** Full Lua text with includes inlined. */
  readonly content: string;
  /** SHA-1 of `content`, for EVALSHA. */
  readonly sha: string;
}

/** The folder holding this module and the `.lua` files. */
export const SCRIPTS_DIR = fileURLToPath(new URL('.', import.meta.url));

const FILE_NAME = /^([a-z][a-z0-9-]*)-(\d+)\.lua$/;
const INCLUDE = /^--- @include "([a-z0-9-]+)"\s*$/gm;

export class ScriptLoadError extends Error {
  override name = 'ScriptLoadError';
}

/** Inlines every `--- @include "x"` (once per script, nested includes allowed). */
export function resolveIncludes(source: string, dir: string = SCRIPTS_DIR, seen = new Set<string>()): string {
  return source.replace(INCLUDE, (_line, include: string) => {
    if (seen.has(include)) return '';
    seen.add(include);
    const path = join(dir, 'includes', `${include}.lua`);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new ScriptLoadError(`Lua include "${include}" not found at ${path}`);
    }
    return resolveIncludes(text, dir, seen);
  });
}

/** Parses `domain-acquire-4.lua` into `{ name: 'domain-acquire', numberOfKeys: 4 }`. */
export function parseScriptFileName(fileName: string): { name: string; numberOfKeys: number } | undefined {
  const match = FILE_NAME.exec(fileName);
  if (!match) return undefined;
  return { name: match[1]!, numberOfKeys: Number(match[2]) };
}

function build(dir: string, fileName: string): LuaScript {
  const parsed = parseScriptFileName(fileName);
  if (!parsed) throw new ScriptLoadError(`Not a script file name: ${fileName}`);
  const content = resolveIncludes(readFileSync(join(dir, fileName), 'utf8'), dir);
  return { ...parsed, content, sha: createHash('sha1').update(content).digest('hex') };
}

const cache = new Map<string, Map<string, LuaScript>>();

/** Every `<name>-<numKeys>.lua` in `dir`, keyed by name; read once per process. */
export function loadScripts(dir: string = SCRIPTS_DIR): ReadonlyMap<string, LuaScript> {
  let scripts = cache.get(dir);
  if (!scripts) {
    scripts = new Map();
    for (const fileName of readdirSync(dir).sort()) {
      if (!parseScriptFileName(fileName)) continue;
      const script = build(dir, fileName);
      if (scripts.has(script.name)) throw new ScriptLoadError(`Two scripts named "${script.name}" in ${dir}`);
      scripts.set(script.name, script);
    }
    cache.set(dir, scripts);
  }
  return scripts;
}

/** One script by name; throws when it does not exist. */
export function loadScript(name: string, dir: string = SCRIPTS_DIR): LuaScript {
  const script = loadScripts(dir).get(name);
  if (!script) throw new ScriptLoadError(`No Lua script named "${name}" in ${dir}`);
  return script;
}
