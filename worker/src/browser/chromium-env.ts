/**
 * @module worker/browser/chromium-env
 * The environment Chromium is started with: an allow-list, not the worker's environment minus
 * known secrets. A deny-list would leak the next secret someone adds (a proxy password, a cloud
 * token); Chromium runs hostile pages, and a renderer exploit reads its own /proc/self/environ.
 * What is kept is what Chromium and fontconfig read: search path, home and temp dirs, locale,
 * time zone, font configuration and the XDG base directories.
 */

/** Variables passed through when set; nothing else reaches Chromium. */
export const CHROMIUM_ENV_ALLOW = [
  'PATH', 'HOME', 'TMPDIR', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'TZ',
  'FONTCONFIG_PATH', 'FONTCONFIG_FILE',
  'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'XDG_DATA_DIRS', 'XDG_RUNTIME_DIR',
] as const;

/** Debian's default search path, for a worker started without PATH. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function chromiumEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const picked: Record<string, string> = { PATH: DEFAULT_PATH };
  for (const name of CHROMIUM_ENV_ALLOW) {
    const value = env[name];
    if (value) picked[name] = value;
  }
  return picked;
}
