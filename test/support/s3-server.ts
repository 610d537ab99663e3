import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** s3rver's built-in credentials: it checks every request's signature against them. */
const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';
const REGION = 'us-east-1';

/**
 * A real S3-protocol server in the test process (s3rver: HTTP, SigV4 signatures, objects
 * on disk), so the app's S3 driver runs its real client code, not a mock of the SDK.
 */
export class TestS3Server {
  private constructor(
    private readonly server: S3rver,
    private readonly directory: string,
    readonly endpoint: string,
    readonly bucket: string,
    private readonly client: S3Client,
  ) {}

  static async start(bucket = 'wxmall-media'): Promise<TestS3Server> {
    const directory = await mkdtemp(join(tmpdir(), 'wxmall-s3-'));
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
    const { port } = await server.run();
    const endpoint = `http://127.0.0.1:${port}`;
    const client = new S3Client({
      endpoint,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
    });
    return new TestS3Server(server, directory, endpoint, bucket, client);
  }

  /** The app's settings for this server; objects are public at `<endpoint>/<bucket>/<key>` (path style). */
  env(): Record<string, string> {
    return {
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: this.endpoint,
      S3_REGION: REGION,
      S3_BUCKET: this.bucket,
      S3_ACCESS_KEY_ID: ACCESS_KEY,
      S3_SECRET_ACCESS_KEY: SECRET_KEY,
      S3_FORCE_PATH_STYLE: 'true',
      MEDIA_PUBLIC_BASE_URL: `${this.endpoint}/${this.bucket}`,
    };
  }

  /** Every object key in the bucket. */
  async keys(): Promise<string[]> {
    const listed = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket }));
    return (listed.Contents ?? []).map((o) => o.Key!).sort();
  }

  async empty(): Promise<void> {
    for (const key of await this.keys()) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async close(): Promise<void> {
    this.client.destroy();
    await this.server.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}
