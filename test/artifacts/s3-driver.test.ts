/**
 * The `s3` driver. With QUARRY_TEST_S3_ENDPOINT, QUARRY_TEST_S3_BUCKET, QUARRY_TEST_S3_REGION,
 * QUARRY_TEST_S3_ACCESS_KEY_ID and QUARRY_TEST_S3_SECRET_ACCESS_KEY set it runs against that
 * bucket (R2, S3, MinIO); without them, against an S3-compatible server started here, configured
 * the way an operator configures R2: endpoint, bucket, region and a key pair.
 */
import { startArtifactServer } from '../../dev/local/artifact-server.ts';
import { describeArtifactStoreConformance } from './conformance.ts';

const env = process.env;

describeArtifactStoreConformance('s3', async () => {
  if (env.QUARRY_TEST_S3_ENDPOINT) {
    return {
      driver: {
        driver: 's3',
        s3: {
          endpoint: env.QUARRY_TEST_S3_ENDPOINT, bucket: env.QUARRY_TEST_S3_BUCKET ?? 'quarry-artifacts', region: env.QUARRY_TEST_S3_REGION ?? 'auto',
          accessKeyId: env.QUARRY_TEST_S3_ACCESS_KEY_ID ?? '', secretAccessKey: env.QUARRY_TEST_S3_SECRET_ACCESS_KEY ?? '',
        },
      },
      close: async () => {},
    };
  }
  const server = await startArtifactServer({ bucket: 'r2-like-bucket' });
  return {
    driver: { driver: 's3', s3: { endpoint: server.endpoint, bucket: server.bucket, region: 'auto', accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } },
    close: () => server.close(),
  };
});
