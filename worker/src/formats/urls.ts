/**
 * @module worker/formats/urls
 * Relative → absolute, the way a browser resolves an attribute value: WHATWG URL parsing
 * against the document's base URL (its `<base href>`, itself resolved against the final URL).
 */

/** HTML strips ASCII whitespace around URL attribute values before parsing them. */
const TRIM = /^[\t\n\f\r ]+|[\t\n\f\r ]+$/g;

/** `href` resolved against `base`, or null when it is not a URL (e.g. `http://[`). */
export function resolveUrl(href: string, base: string): URL | null {
  try {
    return new URL(href.replace(TRIM, ''), base);
  } catch {
    return null;
  }
}

/** Absolute http(s) URL without its fragment, or null for other schemes and non-URLs. */
export function resolveHttpLink(href: string, base: string): string | null {
  const url = resolveUrl(href, base);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
  url.hash = '';
  return url.href;
}

/** Schemes whose URL runs code when followed: dropped from cleaned HTML. */
export function isScriptUrl(href: string): boolean {
  // Browsers strip leading C0 controls and spaces, and tabs and newlines anywhere, before the scheme.
  return /^[\u0000-\u0020]*(?:javascript:|vbscript:|data:text\/html)/i.test(href.replace(/[\t\n\r]/g, ''));
}

/** The document's base URL: `<base href>` resolved against the final URL (HTML's rule), else the final URL. */
export function documentBase(finalUrl: string, baseHref: string | null): string {
  if (baseHref === null) return finalUrl;
  const url = resolveUrl(baseHref, finalUrl);
  // A base that is not a URL, or uses a scheme a page cannot be fetched from, is ignored.
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url.href : finalUrl;
}
