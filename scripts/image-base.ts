/**
 * @module scripts/image-base
 * `npm run image:base`: makes sure a Node 24 base image for infra/docker/worker.Dockerfile exists:
 * the official node:24-bookworm-slim when it is here or can be pulled, else the local base
 * (debootstrap + the npm `node` binary, dev/local/local-base-image.ts), reused while current.
 * Prints which one and its size.
 */
import { ensureContainerEngine, megabytes } from '../dev/local/container-engine.ts';
import { ensureBaseImage } from '../dev/local/local-base-image.ts';

try {
  const engine = ensureContainerEngine({ log: (line) => console.log(line) });
  const base = await ensureBaseImage(engine, { log: (line) => console.log(line), output: process.stdout });
  console.log(`base image ${base.image} (${base.source}, ${engine.name}): ${megabytes(base.sizeBytes)}, ${base.seconds.toFixed(1)} s`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
