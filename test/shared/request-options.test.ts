/**
 * The request options' schema: every field refused with a message that names it, the limits,
 * the cross-field rules (body needs a method, browser-only fields), and the dedupe work list.
 */
import { describe, expect, it } from 'vitest';
import { jobRequestSchema } from '../../shared/job-schema.ts';
import { encodeRequestBody } from '../../shared/scrape-options/index.ts';
import { LIMITS } from '../../shared/limits.ts';

const url = 'https://example.com/';
const issues = (input: Record<string, unknown>) => {
  const parsed = jobRequestSchema.safeParse({ url, ...input });
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('headers', () => {
  it.each(['Connection', 'keep-alive', 'Proxy-Authorization', 'TE', 'Trailer', 'Transfer-Encoding', 'Upgrade', 'Host', 'Content-Length', 'Cookie', 'Accept-Encoding'])('refuses %s, naming it', (name) => {
    const found = issues({ headers: { [name]: 'x' } });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^headers\\.${name}: "${name}" cannot be set: it `));
  });

  it('says where cookies go instead', () => {
    expect(issues({ headers: { cookie: 'a=1' } })[0]).toMatch(/send cookies as "cookies"/);
  });

  it('refuses line breaks in values, non-token names, duplicates and too many bytes', () => {
    expect(issues({ headers: { 'X-A': 'a\r\nX-Injected: 1' } })).toEqual(['headers.X-A: header values must not contain line breaks or other control characters']);
    expect(issues({ headers: { 'X A': '1' } })[0]).toMatch(/^headers\.X A: header names must be HTTP tokens/);
    expect(issues({ headers: { 'X-A': '1', 'x-a': '2' } })).toEqual(['headers.x-a: "x-a" is given twice (header names are case-insensitive)']);
    const big = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`X-${i}`, 'v'.repeat(LIMITS.headers.valueMaxLength)]));
    expect(issues({ headers: big })).toEqual([`headers: names and values must total at most ${LIMITS.headers.totalMaxBytes} bytes`]);
    const many = Object.fromEntries(Array.from({ length: LIMITS.headers.max + 1 }, (_, i) => [`X-${i}`, 'v']));
    expect(issues({ headers: many })).toEqual([`headers: must hold at most ${LIMITS.headers.max} headers`]);
  });

  it('refuses a user agent or locale given twice', () => {
    expect(issues({ userAgent: 'A/1', headers: { 'User-Agent': 'B/1' } })).toEqual(['headers.User-Agent: set either userAgent or the User-Agent header, not both']);
    expect(issues({ locale: 'de', headers: { 'accept-language': 'fr' } })).toEqual(['headers.accept-language: set either locale or the accept-language header, not both']);
  });
});

describe('cookies, method and body', () => {
  it('validates each cookie field by name', () => {
    expect(issues({ cookies: [{ name: 'a b', value: '1' }] })).toEqual(['cookies.0.name: must be a cookie name (an HTTP token)']);
    expect(issues({ cookies: [{ name: 'a', value: 'x;y' }] })).toEqual(['cookies.0.value: must be cookie octets: no spaces, quotes, commas, semicolons or backslashes']);
    expect(issues({ cookies: [{ name: 'a', value: '1', domain: 'bad domain' }] })).toEqual(['cookies.0.domain: must be a host name, e.g. example.com or .example.com']);
    expect(issues({ cookies: [{ name: 'a', value: '1', path: 'x' }] })).toEqual(['cookies.0.path: must start with "/" and hold no spaces or semicolons']);
    expect(issues({ cookies: [{ name: 'a', value: '1', sameSite: 'x' }] })[0]).toMatch(/^cookies\.0: Unrecognized key/);
  });

  it('needs a method that sends a body, and bounds the encoded body', () => {
    expect(issues({ body: 'x' })).toEqual(['body: body needs a method that sends one: set "method": "POST" (or PUT, PATCH, DELETE)']);
    expect(issues({ method: 'POST', body: { form: { a: 'x'.repeat(LIMITS.requestBodyMaxBytes) } } })).toEqual([`body: is ${LIMITS.requestBodyMaxBytes + 2} bytes once encoded: at most ${LIMITS.requestBodyMaxBytes}`]);
    expect(issues({ method: 'TRACE' })[0]).toMatch(/^method: /);
    expect(issues({ method: 'POST', body: { xml: '<a/>' } })).toEqual(['body: Unrecognized key: "xml"', 'body: must hold exactly one of json and form']);
    expect(issues({ method: 'POST', body: { json: 1, form: {} } })).toEqual(['body: must hold exactly one of json and form']);
    expect(issues({ method: 'POST', body: 42 })).toEqual(['body: must be a string, {"json": <any JSON>} or {"form": {"field": "value"}}']);
  });

  it('encodes strings, JSON and forms', () => {
    expect(encodeRequestBody('a b')).toEqual({ text: 'a b', contentType: 'text/plain;charset=UTF-8' });
    expect(encodeRequestBody({ json: [1, { a: null }] })).toEqual({ text: '[1,{"a":null}]', contentType: 'application/json' });
    expect(encodeRequestBody({ form: { q: 'a&b', t: ['1', '2'] } })).toEqual({ text: 'q=a%26b&t=1&t=2', contentType: 'application/x-www-form-urlencoded' });
  });
});

describe('user agent, locale, time zone, device, blockResources', () => {
  it('names each bad value', () => {
    expect(issues({ userAgent: 'a\nb' })).toEqual(['userAgent: must be printable ASCII']);
    expect(issues({ locale: 'german!' })).toEqual(['locale: must be a language tag such as "en", "de-DE" or "pt-BR"']);
    expect(issues({ mode: 'browser', timezone: 'Mars/Olympus' })).toEqual(['timezone: must be an IANA time zone such as "Europe/Berlin" or "UTC"']);
    expect(issues({ device: 'tablet' })[0]).toMatch(/^device: /);
    expect(issues({ mode: 'browser', blockResources: ['document'] })[0]).toMatch(/^blockResources\.0: /);
  });

  it('keeps the time zone and resource blocking to the browser', () => {
    expect(issues({ timezone: 'UTC' })).toEqual(['timezone: timezone needs mode "browser": a plain HTTP fetch runs no script that could read a time zone']);
    expect(issues({ blockResources: [] })).toEqual(['blockResources: blockResources needs mode "browser": a plain HTTP fetch loads no subresources to skip']);
    expect(issues({ mode: 'browser', timezone: 'Europe/Berlin', device: 'mobile', locale: 'de-DE', blockResources: [] })).toEqual([]);
  });
});

