/**
 * The `local` driver against the local S3-compatible server `npm start` runs (dev/local/artifact-server.ts).
 */
import { startArtifactServer } from '../../dev/local/artifact-server.ts';
import { describeArtifactStoreConformance } from './conformance.ts';

describeArtifactStoreConformance('local', async () => {
  const server = await startArtifactServer();
  return { driver: server.driver, close: () => server.close() };
});
