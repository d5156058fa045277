/**
 * @module test/infra/dockerignore
 * The subset of .dockerignore semantics our file uses: patterns anchored at the context root,
 * `*` and `?` within one path segment, a leading `**` for any depth, `!` exceptions, and a matched
 * folder excluding everything under it.
 */

interface Rule {
  pattern: RegExp;
  negate: boolean;
}

function toRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .map((segment) => segment === '**'
      ? '(?:.*)'
      : segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
    .join('/')
    .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
  // A pattern matching a folder also matches everything under it.
  return new RegExp(`^${body}(?:/.*)?$`);
}

export function parseDockerignore(text: string): Rule[] {
  return text.split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => ({ negate: line.startsWith('!'), pattern: toRegExp(line.replace(/^!/, '')) }));
}

/** True when the context-relative path is excluded from the build context (last match wins). */
export function isIgnored(rules: Rule[], path: string): boolean {
  const normalized = path.replace(/^\.\//, '').replace(/\/+$/, '');
  let ignored = false;
  for (const rule of rules) if (rule.pattern.test(normalized)) ignored = !rule.negate;
  return ignored;
}
