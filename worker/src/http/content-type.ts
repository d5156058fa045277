/**
 * @module worker/http/content-type
 * What a Content-Type says about a body: is it HTML, and in which charset.
 */

/** HTML or XHTML; a missing Content-Type counts as HTML, as browsers sniff such bodies. */
export function isHtmlContentType(contentType: string | null | undefined): boolean {
  if (!contentType) return true;
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  return essence === 'text/html' || essence === 'application/xhtml+xml';
}

/** Decodes with the Content-Type's `charset` when TextDecoder knows it, UTF-8 otherwise. */
export function decodeText(bytes: Uint8Array, contentType: string | undefined): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}
