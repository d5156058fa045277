/**
 * @module shared/artifacts
 * The artifact store (screenshots, PDFs, oversized results) as both sides use it: workers put,
 * read and sweep; the edge signs GET URLs.
 */
export * from './artifact-keys.ts';
export * from './artifact-store.ts';
export { amzDate, S3Client, S3RequestError, type S3Config } from './s3-client.ts';
