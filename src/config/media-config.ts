import { resolve } from 'node:path';
import { plainToInstance, Type } from 'class-transformer';
import { getMetadataStorage, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, validateSync } from 'class-validator';
// load-config imports this file too; ConfigError is only used when a function below runs.
import { ConfigError } from './load-config';

export type StorageDriver = 'local' | 's3';

export interface S3StorageSettings {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `true` for MinIO and Garage (bucket in the path); `false` for AWS and Tencent COS (bucket in the host name). */
  forcePathStyle: boolean;
}

/** Media uploads and where they are kept (STORAGE_*, S3_*, MEDIA_*). */
export interface MediaConfig {
  storage: { driver: 'local'; localDir: string } | { driver: 's3'; s3: S3StorageSettings };
  /**
   * Base URL under which stored media are public, without a trailing slash (a CDN, the
   * bucket's domain). null (local driver only): the API's own `/media/`, on the origin the
   * upload request came to.
   */
  publicBaseUrl: string | null;
  /** Largest accepted upload in bytes (MEDIA_MAX_BYTES). */
  maxBytes: number;
  /** Uploads a minute per user (MEDIA_UPLOAD_RATE_LIMIT). */
  uploadRateLimit: number;
}

export const DEFAULT_MEDIA_MAX_BYTES = 10 * 1024 * 1024;
/** Uploads are read into memory (up to this size) to be decoded and re-encoded. */
const MAX_MEDIA_MAX_BYTES = 64 * 1024 * 1024;
const SIZE = /^\s*(\d{1,12})\s*(b|kb|mb)?\s*$/i;
const BOOLEAN = /^(true|false|1|0|yes|no)$/i;
/** A media URL is this base + `/` + a 36-character key, and must fit the 500-character URL columns. */
const PUBLIC_BASE_URL = /^https?:\/\/[^\s?#]{1,400}$/;

/** The media settings as the app accepts them (see loadMediaConfig). */
class MediaEnvironmentVariables {
  @IsOptional() @IsIn(['local', 's3'])
  STORAGE_DRIVER?: string;

  @IsOptional() @IsString() @MinLength(1) @MaxLength(1024)
  STORAGE_LOCAL_DIR?: string;

  @IsOptional() @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL' })
  S3_ENDPOINT?: string;

  @IsOptional() @Matches(/^[a-z0-9-]{1,64}$/, { message: 'must be a region name such as ap-guangzhou or us-east-1' })
  S3_REGION?: string;

  @IsOptional() @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be a bucket name (3-63 lower-case letters, digits, dots or hyphens)' })
  S3_BUCKET?: string;

  @IsOptional() @IsString() @MinLength(1) @MaxLength(256)
  S3_ACCESS_KEY_ID?: string;

  @IsOptional() @IsString() @MinLength(1) @MaxLength(256)
  S3_SECRET_ACCESS_KEY?: string;

  @IsOptional() @Matches(BOOLEAN, { message: 'must be true or false' })
  S3_FORCE_PATH_STYLE?: string;

  @IsOptional() @Matches(PUBLIC_BASE_URL, { message: 'must be an http(s) URL of at most 400 characters, without query or fragment' })
  MEDIA_PUBLIC_BASE_URL?: string;

  @IsOptional() @Matches(SIZE, { message: 'must be a number of bytes, optionally with kB or MB (e.g. 10MB)' })
  MEDIA_MAX_BYTES?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100000)
  MEDIA_UPLOAD_RATE_LIMIT?: number;
}

/** Every variable loadMediaConfig reads. */
export function mediaConfigVariables(): string[] {
  const declared = getMetadataStorage().getTargetValidationMetadatas(MediaEnvironmentVariables, '', true, false);
  return [...new Set(declared.map((m) => m.propertyName))];
}

/** The S3 settings the `s3` driver cannot work without, in the order they are reported. */
const REQUIRED_WITH_S3 = ['S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;

function parseSize(value: string): number {
  const [, digits, unit] = SIZE.exec(value)!;
  const factor = { b: 1, kb: 1024, mb: 1024 * 1024 }[(unit ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb'];
  return Number(digits) * factor;
}

/**
 * Reads and validates the media settings; throws ConfigError naming the first bad or
 * missing variable (never its value). `env` has empty values removed already.
 */
export function loadMediaConfig(env: Record<string, string>): MediaConfig {
  const vars = plainToInstance(MediaEnvironmentVariables, pick(env, mediaConfigVariables()));
  const errors = validateSync(vars, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const first = errors[0];
    const message = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    throw new ConfigError(first.property, message.replace(new RegExp(`^${first.property}\\s*`), '').trim());
  }

  const maxBytes = vars.MEDIA_MAX_BYTES === undefined ? DEFAULT_MEDIA_MAX_BYTES : parseSize(vars.MEDIA_MAX_BYTES);
  if (maxBytes < 1024 || maxBytes > MAX_MEDIA_MAX_BYTES) {
    throw new ConfigError('MEDIA_MAX_BYTES', 'must be between 1kB and 64MB');
  }
  const publicBaseUrl = vars.MEDIA_PUBLIC_BASE_URL?.replace(/\/+$/, '') ?? null;
  const common = { publicBaseUrl, maxBytes, uploadRateLimit: vars.MEDIA_UPLOAD_RATE_LIMIT ?? 20 };

  if ((vars.STORAGE_DRIVER ?? 'local') === 'local') {
    return { ...common, storage: { driver: 'local', localDir: resolve(vars.STORAGE_LOCAL_DIR ?? '.data/media') } };
  }
  for (const variable of REQUIRED_WITH_S3) {
    if (!vars[variable]) throw new ConfigError(variable, 'is required when STORAGE_DRIVER=s3');
  }
  if (!publicBaseUrl) {
    throw new ConfigError('MEDIA_PUBLIC_BASE_URL', 'is required when STORAGE_DRIVER=s3 (the app does not serve the bucket: give its public or CDN URL)');
  }
  return {
    ...common,
    storage: {
      driver: 's3',
      s3: {
        endpoint: vars.S3_ENDPOINT!.replace(/\/+$/, ''),
        region: vars.S3_REGION!,
        bucket: vars.S3_BUCKET!,
        accessKeyId: vars.S3_ACCESS_KEY_ID!,
        secretAccessKey: vars.S3_SECRET_ACCESS_KEY!,
        forcePathStyle: /^(true|1|yes)$/i.test(vars.S3_FORCE_PATH_STYLE ?? 'false'),
      },
    },
  };
}

function pick(env: Record<string, string>, names: string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) if (env[name] !== undefined) picked[name] = env[name];
  return picked;
}
