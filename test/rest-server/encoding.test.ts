/**
 * @module test/rest-server/encoding
 * Unit tests of the pure parts: reply encoding, body parsing, command policy, token check.
 */
import { describe, expect, it } from 'vitest';
import { createTokenCheck } from '../../dev/rest-server/auth.ts';
import { parseCommand, parseCommandList, refusalReason } from '../../dev/rest-server/command-policy.ts';
import { encodeReply, replyEncodingFromHeader } from '../../dev/rest-server/encoding.ts';
import { BadRequestError } from '../../dev/rest-server/errors.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('encodeReply', () => {
  const reply = [
    Buffer.from('OK'), 42, -7, null, Buffer.from([0x00, 0x80, 0xff, 0x0a]),
    [Buffer.from('nested'), 1, [Buffer.from('deeper'), null]], [],
  ];

  it('base64-encodes every string, recursively, and leaves numbers and null alone', () => {
    expect(encodeReply(reply, 'base64')).toEqual([
      b64('OK'), 42, -7, null, 'AID/Cg==', [b64('nested'), 1, [b64('deeper'), null]], [],
    ]);
  });

  it('writes plain UTF-8 strings without the header', () => {
    expect(encodeReply([Buffer.from('héllo 🚀'), 3, null], 'plain')).toEqual(['héllo 🚀', 3, null]);
  });

  it('encodes the exact bytes of non-UTF-8 data in base64 mode', () => {
    const bytes = Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff]);
    const encoded = encodeReply(bytes, 'base64') as string;
    expect(Buffer.from(encoded, 'base64').equals(bytes)).toBe(true);
  });

  it('turns nil and top-level scalars into JSON scalars', () => {
    expect(encodeReply(null, 'base64')).toBeNull();
    expect(encodeReply(undefined, 'plain')).toBeNull();
    expect(encodeReply(0, 'base64')).toBe(0);
    expect(encodeReply(Buffer.alloc(0), 'base64')).toBe('');
  });

  it('writes an error nested in a Lua table as its (encoded) message', () => {
    expect(encodeReply([1, new Error('ERR inner')], 'base64')).toEqual([1, b64('ERR inner')]);
    expect(encodeReply([new Error('ERR inner')], 'plain')).toEqual(['ERR inner']);
  });
});

describe('replyEncodingFromHeader', () => {
  it('is base64 only for the base64 header value, in any case', () => {
    expect(replyEncodingFromHeader('base64')).toBe('base64');
    expect(replyEncodingFromHeader(' BASE64 ')).toBe('base64');
    expect(replyEncodingFromHeader(undefined)).toBe('plain');
    expect(replyEncodingFromHeader('utf8')).toBe('plain');
  });
});

describe('command parsing and policy', () => {
  it('passes numbers and booleans to Redis as strings', () => {
    expect(parseCommand(['SET', 'k', 12.5, true])).toEqual(['SET', 'k', '12.5', 'true']);
  });

  it('rejects bodies that are not commands', () => {
    for (const bad of [[], {}, 'GET', [null], ['SET', 'k', { a: 1 }], ['SET', 'k', Number.NaN], [['GET', 'k']]]) {
      expect(() => parseCommand(bad)).toThrow(BadRequestError);
    }
    expect(() => parseCommandList([])).toThrow(BadRequestError);
    expect(() => parseCommandList([['GET', 'k'], 'GET'])).toThrow(/command 2/);
  });

  it('refuses blocking, subscribing and connection-state commands only', () => {
    expect(refusalReason(['blpop', 'q', '0'])).toMatch(/blocking command 'BLPOP'/);
    expect(refusalReason(['XREAD', 'COUNT', '1', 'block', '0', 'STREAMS', 's', '$'])).toMatch(/blocking/);
    expect(refusalReason(['XREAD', 'STREAMS', 'block', '0'])).toBeUndefined();
    expect(refusalReason(['SUBSCRIBE', 'ch'])).toMatch(/dedicated TCP/);
    expect(refusalReason(['select', '1'])).toMatch(/shared connection/);
    expect(refusalReason(['LPOP', 'q'])).toBeUndefined();
    expect(refusalReason(['PUBLISH', 'ch', 'x'])).toBeUndefined();
  });
});

describe('createTokenCheck', () => {
  const check = createTokenCheck('s3cret');

  it('accepts exactly "Bearer <token>"', () => {
    expect(check('Bearer s3cret')).toBe(true);
    expect(check('bearer s3cret')).toBe(true);
  });

  it('rejects missing, wrong, prefixed and extended tokens', () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 's3cret', 'Basic s3cret', 'Bearer s3cre', 'Bearer s3cret2']) {
      expect(check(header)).toBe(false);
    }
  });

  it('refuses to be built with an empty token', () => {
    expect(() => createTokenCheck('')).toThrow(/non-empty/);
  });
});
