import { describe, expect, it } from 'vitest';
import { InvalidDomainKeyError, domainKey, robotsOrigin } from '../../shared/domain-key.ts';
import { domainKeys, robotsKeys } from '../../shared/domain-keys.ts';

describe('domainKey', () => {
  it('is the lower-cased hostname plus a non-default port', () => {
    expect(domainKey('https://WWW.Example.COM/a?b=1')).toBe('www.example.com');
    expect(domainKey('http://example.com:80/')).toBe('example.com');
    expect(domainKey('https://example.com:443/')).toBe('example.com');
    expect(domainKey('https://example.com:8443/')).toBe('example.com:8443');
    expect(domainKey('http://example.com./x')).toBe('example.com');
    expect(domainKey(new URL('http://bücher.example/'))).toBe('xn--bcher-kva.example');
  });

  it('keeps ports for IPs and loopback, so local test sites are distinct domains', () => {
    expect(domainKey('http://127.0.0.2:41234/page')).toBe('127.0.0.2:41234');
    expect(domainKey('http://127.0.0.3:41234/page')).toBe('127.0.0.3:41234');
    expect(domainKey('http://[::1]:8080/')).toBe('[::1]:8080');
  });

  it('shares one budget between http and https of a host', () => {
    expect(domainKey('http://example.com/')).toBe(domainKey('https://example.com/'));
    expect(robotsOrigin('http://example.com/x')).not.toBe(robotsOrigin('https://example.com/x'));
  });

  it('rejects what is not an http(s) URL', () => {
    expect(() => domainKey('ftp://example.com/')).toThrow(InvalidDomainKeyError);
    expect(() => domainKey('not a url')).toThrow(InvalidDomainKeyError);
  });
});

describe('domainKeys / robotsKeys', () => {
  it('keeps the hash tag of the prefix in every key', () => {
    const keys = domainKeys('{quarry}', 'example.com:8080');
    expect(Object.values(keys)).toEqual([
      '{quarry}:domain:example.com:8080:limits', '{quarry}:domain:example.com:8080:log',
      '{quarry}:domain:example.com:8080:leases', '{quarry}:domain:example.com:8080:state',
    ]);
    expect(robotsKeys('{quarry}', 'https://example.com')).toEqual({
      entry: '{quarry}:robots:https://example.com', lock: '{quarry}:robots:https://example.com:lock',
    });
  });

  it('refuses prefixes without a hash tag and domains that would break key names', () => {
    expect(() => domainKeys('quarry', 'example.com')).toThrow(/hash tag/);
    expect(() => domainKeys('{quarry}', 'a b')).toThrow(InvalidDomainKeyError);
    expect(() => domainKeys('{quarry}', '{x}')).toThrow(InvalidDomainKeyError);
    expect(() => robotsKeys('{quarry}', 'https://example.com/path')).toThrow();
  });
});
