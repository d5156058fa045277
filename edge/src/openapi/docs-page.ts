/**
 * @module edge/openapi/docs-page
 * `/docs`: Swagger UI (@hono/swagger-ui) on `/openapi.json`. Its "Authorize" button takes an API
 * key for the `bearer` scheme, and "Try it out" sends requests to the document's server (the
 * deployment that served it). The middleware only writes an HTML shell (+~4 KB to the Worker
 * bundle, minified); the UI's JS and CSS load from jsDelivr, pinned to one swagger-ui-dist version.
 * Chosen over Scalar (@scalar/hono-api-reference, +~5 KB, also CDN-loaded) for the smaller page
 * the browser loads (460 KB gzipped JS against 1.4 MB); both run in workerd since they only
 * render HTML. Measurements: docs/api-reference.md.
 */
import { swaggerUI } from '@hono/swagger-ui';

export const SWAGGER_UI_VERSION = '5.35.0';

export const docsPage = () => swaggerUI({
  url: '/openapi.json',
  title: 'Quarry API',
  version: SWAGGER_UI_VERSION,
  // The key stays in the browser's localStorage across reloads, sent only as Authorization.
  persistAuthorization: true,
  displayOperationId: true,
  displayRequestDuration: true,
});
