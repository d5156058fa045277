/**
 * @module test/infra/dockerfile
 * A small Dockerfile parser for static checks: parser directives, comments, `\` continuations,
 * stages, `--flag=value` options, exec (JSON) and shell forms, ENV pairs and COPY sources.
 */

export interface Instruction {
  /** Upper-cased keyword, e.g. `COPY`. */
  keyword: string;
  /** Leading `--name=value` options (`--from`, `--chown`, `--mount`, `--interval`, ...). */
  flags: Record<string, string>;
  /** The rest of the instruction after keyword and flags, continuations joined with a space. */
  args: string;
  /** The arguments as a JSON array when written in exec form, else undefined. */
  exec?: string[];
  /** 1-based line of the keyword, for messages. */
  line: number;
}

export interface Stage {
  /** Position among the stages, from 0. */
  index: number;
  /** Base image reference as written (`node:24-bookworm-slim`). */
  image: string;
  /** `AS name`, lower-cased like Docker does, if any. */
  name?: string;
  /** FROM's own line. */
  line: number;
  /** Instructions after FROM, up to the next FROM. */
  instructions: Instruction[];
}

export interface Dockerfile {
  /** `# syntax=…`-style parser directives at the top of the file. */
  directives: Record<string, string>;
  /** Instructions before the first FROM (ARG only, in valid files). */
  preamble: Instruction[];
  stages: Stage[];
}

const DIRECTIVE = /^#\s*([a-zA-Z]+)\s*=\s*(.*?)\s*$/;
const FLAG = /^--([a-z][a-z-]*)(?:=(\S*))?(?:\s+|$)/;

/** Splits a shell-form argument string into words, honouring quotes and backslash escapes. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in: ${text}`);
  if (inWord) words.push(current);
  return words;
}

function parseExec(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
  } catch {
    return undefined; // Docker falls back to shell form for invalid JSON; so do we.
  }
}

/** Logical lines: comments dropped (also inside continuations), `\` continuations joined. */
function logicalLines(text: string): { text: string; line: number }[] {
  const physical = text.split(/\r?\n/);
  const lines: { text: string; line: number }[] = [];
  let buffer: string | undefined;
  let start = 0;
  physical.forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) return;
    if (buffer === undefined) {
      if (trimmed === '') return;
      buffer = '';
      start = i + 1;
    } else if (trimmed === '') {
      return;
    }
    const continued = /\\\s*$/.test(raw);
    buffer += (buffer ? ' ' : '') + (continued ? raw.replace(/\\\s*$/, '') : raw).trim();
    if (!continued) {
      lines.push({ text: buffer, line: start });
      buffer = undefined;
    }
  });
  if (buffer !== undefined) lines.push({ text: buffer, line: start });
  return lines;
}

function parseInstruction(text: string, line: number): Instruction {
  const match = /^(\S+)\s*(.*)$/.exec(text)!;
  const keyword = match[1]!.toUpperCase();
  let rest = match[2]!;
  const flags: Record<string, string> = {};
  for (let flag = FLAG.exec(rest); flag; flag = FLAG.exec(rest)) {
    flags[flag[1]!] = flag[2] ?? 'true';
    rest = rest.slice(flag[0].length);
  }
  const args = rest.trim();
  const exec = parseExec(args);
  return exec ? { keyword, flags, args, exec, line } : { keyword, flags, args, line };
}

export function parseDockerfile(text: string): Dockerfile {
  const directives: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const directive = DIRECTIVE.exec(raw.trim());
    if (!directive) break; // directives only count before the first comment, blank line or instruction
    directives[directive[1]!.toLowerCase()] = directive[2]!;
  }
  const preamble: Instruction[] = [];
  const stages: Stage[] = [];
  for (const { text: lineText, line } of logicalLines(text)) {
    const instruction = parseInstruction(lineText, line);
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = splitWords(instruction.args);
      if (as !== undefined && as.toUpperCase() !== 'AS') throw new Error(`line ${line}: FROM expects "AS name", got "${as}"`);
      stages.push({ index: stages.length, image, ...(name ? { name: name.toLowerCase() } : {}), line, instructions: [] });
    } else if (stages.length === 0) {
      preamble.push(instruction);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { directives, preamble, stages };
}

/** Instructions of a stage with the given keyword. */
export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword.toUpperCase());
}

/** The last instruction with that keyword in the stage (the one Docker uses for CMD, USER...). */
export function lastOf(stage: Stage, keyword: string): Instruction | undefined {
  return instructionsOf(stage, keyword).at(-1);
}

/** `ENV a=b c="d e"` and legacy `ENV key value`, in order; later values win. */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of instructionsOf(stage, 'ENV')) {
    const words = splitWords(instruction.args);
    if (words.length > 0 && !words[0]!.includes('=')) {
      env[words[0]!] = instruction.args.replace(/^\S+\s+/, '');
      continue;
    }
    for (const word of words) {
      const eq = word.indexOf('=');
      if (eq <= 0) throw new Error(`line ${instruction.line}: ENV pair without "=": ${word}`);
      env[word.slice(0, eq)] = word.slice(eq + 1);
    }
  }
  return env;
}

/** Sources and destination of a COPY/ADD (exec or shell form). */
export function copyPaths(instruction: Instruction): { sources: string[]; dest: string } {
  const words = instruction.exec ?? splitWords(instruction.args);
  if (words.length < 2) throw new Error(`line ${instruction.line}: ${instruction.keyword} needs a source and a destination`);
  return { sources: words.slice(0, -1), dest: words.at(-1)! };
}

/** The command a CMD/ENTRYPOINT/HEALTHCHECK CMD runs, as words. */
export function commandWords(instruction: Instruction): string[] {
  return instruction.exec ?? splitWords(instruction.args);
}

/** HEALTHCHECK's options and command (`HEALTHCHECK [opts] CMD …`); undefined for `HEALTHCHECK NONE`. */
export function healthcheckCommand(instruction: Instruction): string[] | undefined {
  const match = /^(CMD|NONE)\b\s*(.*)$/i.exec(instruction.args);
  if (!match) throw new Error(`line ${instruction.line}: HEALTHCHECK must be followed by CMD or NONE`);
  if (match[1]!.toUpperCase() === 'NONE') return undefined;
  return parseExec(match[2]!.trim()) ?? ['/bin/sh', '-c', match[2]!.trim()];
}

/** WORKDIR in effect at the end of the stage (absolute, as the image uses it). */
export function workdirOf(stage: Stage): string {
  let dir = '/';
  for (const instruction of instructionsOf(stage, 'WORKDIR')) {
    const next = instruction.args;
    dir = next.startsWith('/') ? next : `${dir.replace(/\/$/, '')}/${next}`;
  }
  return dir;
}
