import fastifyMultipart from '@fastify/multipart';
import { applyDecorators, createParamDecorator, ExecutionContext, UseGuards } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { DomainError } from '../common/errors';
import { AcceptBody } from '../http/body-media-type';
import { MediaFileMissingError, MediaTooLargeError, MediaUploadInvalidError } from './media.errors';
import { MediaUploadRateLimitGuard } from './upload-rate-limit.guard';

/** The multipart field that carries the image: what `wx.uploadFile({ name: 'file' })` sends. */
export const FILE_FIELD = 'file';

const MULTIPART = 'multipart/form-data';

/** A host name or address with an optional port, as it may appear in a URL. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** A text field of an upload route, as the OpenAPI document describes it. */
export interface UploadFieldSchema {
  type: 'string';
  enum?: string[];
  description?: string;
}

export interface ReadUploadOptions {
  /** The largest file accepted; reading stops as soon as it is passed. */
  maxBytes: number;
  /** Text fields allowed beside `file` (any other field is a 400). */
  fields: readonly string[];
}

export interface ReadUpload {
  file: Buffer;
  fields: Record<string, string>;
}

/**
 * The multipart body of an upload request, read on demand, so that the guards (sign-in,
 * roles, the upload rate limit) have run before a byte of it is read.
 */
export class MultipartUpload {
  constructor(
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
  ) {}

  /**
   * `protocol://host` the request came to (X-Forwarded-Proto/Host count only as far as
   * TRUST_PROXY trusts the proxy): where the app serves `/media/` when
   * MEDIA_PUBLIC_BASE_URL is unset.
   */
  get origin(): string {
    const host = this.request.host;
    if (!HOST.test(host)) throw new MediaUploadInvalidError('The Host header is not a valid host name');
    return `${this.request.protocol}://${host}`;
  }

  /**
   * Exactly one file in `file` and at most the allowed text fields, each once. The file is
   * counted as it streams in and the upload is cut off one byte past maxBytes (413), never
   * read whole; on any refusal the rest of the body is not read and the connection closes.
   */
  async read(options: ReadUploadOptions): Promise<ReadUpload> {
    if (!this.request.isMultipart()) throw new MediaFileMissingError();
    const fields: Record<string, string> = {};
    let file: Buffer | null = null;
    try {
      const parts = this.request.parts({
        limits: {
          fileSize: options.maxBytes,
          // One more than allowed of each, so the extra one reaches us and gets a 400 naming it.
          files: 2,
          fields: options.fields.length + 1,
          parts: options.fields.length + 3,
          fieldNameSize: 100,
          fieldSize: 1024,
          headerPairs: 20,
        },
      });
      for await (const part of parts) {
        if (part.type === 'file') {
          if (part.fieldname !== FILE_FIELD) throw new MediaUploadInvalidError(`Send the image in the field \`${FILE_FIELD}\`, and nothing else as a file`);
          if (file) throw new MediaUploadInvalidError('Send one file per upload');
          file = await readAtMost(part.file, options.maxBytes);
        } else {
          if (!options.fields.includes(part.fieldname)) throw new MediaUploadInvalidError(allowedFieldsMessage(options.fields));
          if (part.fieldname in fields) throw new MediaUploadInvalidError('Send each field once');
          if (part.valueTruncated || typeof part.value !== 'string') throw new MediaUploadInvalidError('A field value is too long');
          fields[part.fieldname] = part.value;
        }
      }
    } catch (err) {
      this.abandonBody();
      if (err instanceof DomainError) throw err;
      if ((err as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE') throw new MediaTooLargeError(options.maxBytes);
      // Whatever else stops the parser (a missing boundary, a truncated part, too many
      // parts) is the body's fault; its message may quote the body, so it is not passed on.
      throw new MediaUploadInvalidError();
    }
    if (!file || file.length === 0) throw new MediaFileMissingError();
    return { file, fields };
  }

  /**
   * After a refusal part of the body is still on the wire: stop parsing it, let it drain
   * into nothing, and close the connection once the answer is out, so a client streaming
   * a large file is not kept waiting on a keep-alive socket that cannot serve another request.
   */
  private abandonBody(): void {
    const raw = this.request.raw;
    raw.unpipe();
    raw.resume();
    if (!this.reply.raw.headersSent) this.reply.header('connection', 'close');
  }
}

async function readAtMost(stream: Readable & { truncated?: boolean }, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > maxBytes || stream.truncated) throw new MediaTooLargeError(maxBytes);
    chunks.push(chunk as Buffer);
  }
  // busboy stops at fileSize and marks the stream truncated: the file went on past the limit.
  if (stream.truncated) throw new MediaTooLargeError(maxBytes);
  return Buffer.concat(chunks, size);
}

function allowedFieldsMessage(fields: readonly string[]): string {
  const allowed = [FILE_FIELD, ...fields].map((f) => `\`${f}\``).join(' and ');
  return `Unknown field: send only ${allowed}`;
}

/** The upload of the request being handled; read it with `read()`. */
export const UploadedMultipart = createParamDecorator((_data: unknown, ctx: ExecutionContext): MultipartUpload => {
  const http = ctx.switchToHttp();
  return new MultipartUpload(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
});

/**
 * Marks a route that takes an image upload (multipart `file`, plus the given text fields):
 * it accepts a multipart body, counts against the caller's upload rate limit, and is
 * documented as multipart/form-data. Pair it with an `@UploadedMultipart()` parameter.
 */
export function ImageUploadRoute(fields: Record<string, UploadFieldSchema> = {}) {
  return applyDecorators(
    // The one opt-in to a non-JSON body (src/http/body-media-type.ts): every other route answers 415 to multipart.
    AcceptBody(MULTIPART),
    UseGuards(MediaUploadRateLimitGuard),
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: [FILE_FIELD, ...Object.keys(fields)],
        properties: {
          [FILE_FIELD]: { type: 'string', format: 'binary', description: 'A JPEG, PNG, WebP or GIF image (the type is read from its bytes)' },
          ...fields,
        },
      },
    }),
  );
}

/**
 * Registers @fastify/multipart (streaming mode: nothing is read until a handler asks). Only
 * routes marked with ImageUploadRoute get that far with a multipart body: the body media type
 * rule (requireJsonBodies) answers 415 on every other route before any parser runs. Called by createApp.
 */
export async function registerMultipart(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyMultipart, { limits: { files: 1, fields: 0, parts: 1, fileSize: 1 } });
}
