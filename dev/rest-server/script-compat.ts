/**
 * @module dev/rest-server/script-compat
 * Lets scripts written for Upstash run on Debian's Redis 7.0. Upstash (and Redis ≥ 7.4) accept
 * the `allow-key-locking` shebang flag that @upstash/ratelimit sends; 7.0 rejects the script.
 * The flag only relaxes locking on newer servers, so dropping it changes nothing here. The
 * client addresses the script by the SHA1 of its original text, so EVALSHA is mapped to the
 * SHA1 of the adapted text.
 */
import { createHash } from 'node:crypto';
import type { RedisCommand } from './command-policy.ts';

const UNSUPPORTED_FLAGS = ['allow-key-locking'];
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

export interface ScriptCompat {
  adapt(command: RedisCommand): RedisCommand;
}

function stripFlags(script: string): string | undefined {
  const match = /^#!lua([^\n]*)\n/.exec(script);
  if (!match || !UNSUPPORTED_FLAGS.some((flag) => match[1]!.includes(flag))) return undefined;
  const header = match[1]!.replace(/flags=([^\s]*)/, (_all, flags: string) => {
    const kept = flags.split(',').filter((flag) => flag && !UNSUPPORTED_FLAGS.includes(flag));
    return kept.length ? `flags=${kept.join(',')}` : '';
  });
  return `#!lua${header.trimEnd()}\n${script.slice(match[0].length)}`;
}

export function createScriptCompat(): ScriptCompat {
  const adaptedSha = new Map<string, string>();
  const remember = (original: string, adapted: string) => adaptedSha.set(sha1(original), sha1(adapted));
  return {
    adapt(command) {
      const [rawName, ...args] = command;
      const name = rawName.toUpperCase();
      if ((name === 'EVAL' || name === 'EVAL_RO') && args[0] !== undefined) {
        const adapted = stripFlags(args[0]);
        if (adapted === undefined) return command;
        remember(args[0], adapted);
        return [rawName, adapted, ...args.slice(1)];
      }
      if (name === 'SCRIPT' && args[0]?.toUpperCase() === 'LOAD' && args[1] !== undefined) {
        const adapted = stripFlags(args[1]);
        if (adapted === undefined) return command;
        remember(args[1], adapted);
        return [rawName, args[0], adapted];
      }
      if ((name === 'EVALSHA' || name === 'EVALSHA_RO') && args[0] !== undefined) {
        const mapped = adaptedSha.get(args[0].toLowerCase());
        return mapped ? [rawName, mapped, ...args.slice(1)] : command;
      }
      return command;
    },
  };
}
