/**
 * @module scripts/image-build
 * `npm run image:build`: builds the `quarry-worker` image (infra/docker/worker.Dockerfile) with
 * Docker where a daemon answers, else podman (installed when missing), on the official Node 24
 * base or, where it cannot be pulled, the local one of `npm run image:base`. Prints the size.
 */
import { engineVersion, ensureContainerEngine, megabytes } from '../dev/local/container-engine.ts';
import { ensureWorkerImage } from '../dev/local/worker-image.ts';

try {
  const engine = ensureContainerEngine({ log: (line) => console.log(line) });
  const built = await ensureWorkerImage(engine, { log: (line) => console.log(line), output: process.stdout });
  console.log(`base image ${built.base.image} (${built.base.source}): ${megabytes(built.base.sizeBytes)}`);
  console.log(`image ${built.image} (${engineVersion(engine)}): ${megabytes(built.sizeBytes)}, built in ${built.seconds.toFixed(1)} s`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
