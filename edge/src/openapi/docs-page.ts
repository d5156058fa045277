/**
 * @module edge/openapi/docs-page
 * `/docs`: a self-contained HTML rendering of the OpenAPI document (no CDN, no scripts, so it
 * works offline and under a strict CSP).
 */
interface Operation { summary?: string; security?: unknown[]; responses?: Record<string, { description?: string }> }
interface Document { info: { title: string; version: string; description?: string }; paths: Record<string, Record<string, Operation>> }

const escape = (text: string) => text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);

export function renderDocsPage(doc: Document): string {
  const rows = Object.entries(doc.paths).flatMap(([path, operations]) => Object.entries(operations).map(([method, op]) => {
    const responses = Object.entries(op.responses ?? {}).map(([code, r]) => `<li><code>${code}</code> ${escape(r.description ?? '')}</li>`).join('');
    return `<section><h2><span class="m">${method.toUpperCase()}</span> <code>${escape(path)}</code>${op.security ? ' <small>🔑 Bearer</small>' : ''}</h2><p>${escape(op.summary ?? '')}</p><ul>${responses}</ul></section>`;
  })).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)} API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem}section{border-top:1px solid #ddd;padding:.5rem 0}.m{display:inline-block;min-width:4.5rem;color:#06c}h2{font-size:1.05rem}</style>
</head><body><h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1><p>${escape(doc.info.description ?? '')}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Errors are <code>application/problem+json</code>.</p>
${rows}</body></html>`;
}
