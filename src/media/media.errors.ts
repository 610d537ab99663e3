import { DomainError, domainError } from '../common/errors';

export class MediaFileMissingError extends domainError(400, 'MEDIA_FILE_MISSING', 'No file: send the image as multipart/form-data in the field `file`') {}

/** Two files, an unknown field, a part that is not what it should be, or a body that is not well-formed multipart. */
export class MediaUploadInvalidError extends domainError(400, 'MEDIA_UPLOAD_INVALID', 'The multipart body is malformed') {}

export class MediaPurposeInvalidError extends domainError(400, 'MEDIA_PURPOSE_INVALID', 'purpose must be `avatar` or `goods`') {}

export class MediaPurposeForbiddenError extends domainError(403, 'ROLE_FORBIDDEN', 'Only staff and admins upload goods images') {}

/** Over MEDIA_MAX_BYTES: the upload was cut off at the limit, never read whole. */
export class MediaTooLargeError extends DomainError {
  readonly status = 413;
  readonly code = 'PAYLOAD_TOO_LARGE';
  constructor(maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes`);
  }
}

export class MediaTypeUnsupportedError extends domainError(415, 'MEDIA_TYPE_UNSUPPORTED', 'Only JPEG, PNG, WebP and GIF images are accepted') {}

export class MediaUnreadableError extends domainError(422, 'MEDIA_UNREADABLE', 'The image cannot be decoded') {}

export class MediaTooLargeImageError extends domainError(422, 'MEDIA_TOO_LARGE_IMAGE', 'The image has more than 40 megapixels') {}

/** Past MEDIA_UPLOAD_RATE_LIMIT uploads a minute for this user. */
export class MediaUploadRateLimitedError extends DomainError {
  readonly status = 429;
  readonly code = 'RATE_LIMITED';
  constructor(retryAfterSeconds: number) {
    super('Too many uploads; retry after the time in Retry-After');
    this.headers['retry-after'] = String(Math.max(1, retryAfterSeconds));
  }
}

/** The store (disk, S3) refused the file: nothing was kept; the client may retry. */
export class MediaStorageUnavailableError extends domainError(503, 'MEDIA_STORAGE_UNAVAILABLE', 'The image could not be stored; retry later') {}

export class MediaNotFoundError extends domainError(404, 'NOT_FOUND', 'Not found') {}
