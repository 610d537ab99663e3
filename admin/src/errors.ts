/** Errors in words a staff member understands, and the server's validation messages placed at their fields. */
import { ApiError } from './api.js';

export interface ErrorText {
  /** What happened and what to do, in one or two sentences. */
  title: string;
  /** The server's own words, when they add something. */
  details: string[];
  /** The X-Request-Id, for support. */
  requestId: string | null;
}

const WORDS: Record<string, string> = {
  NETWORK_ERROR: 'The server could not be reached. Check the connection and try again.',
  SESSION_ENDED: 'Your session has ended (signed out, or the account was changed or disabled). Sign in again.',
  NO_CONSOLE_ACCESS: 'This account has no access to the staff console. Only staff and admin accounts can sign in here.',
  INVALID_CREDENTIALS: 'Wrong username or password.',
  USER_DISABLED: 'This account is disabled. Ask an admin to enable it.',
  ROLE_FORBIDDEN: 'Your role does not allow this. Ask an admin if you need it.',
  RATE_LIMITED: 'Too many attempts in a short time. Wait a minute, then try again.',
  GOODS_NOT_FOUND: 'This product no longer exists: someone may have deleted it.',
  USER_NOT_FOUND: 'This account no longer exists.',
  USERNAME_TAKEN: 'This username is already taken. Choose another one.',
  LAST_ADMIN: 'This is the last enabled admin, so it cannot be demoted or disabled: nobody could manage accounts any more. Make another account an admin first.',
  VERSION_CONFLICT: 'Someone else saved this product while you were editing it.',
  IDEMPOTENCY_KEY_REUSED: 'This form was already sent with other values. Reload the page and enter the product again.',
  CURSOR_INVALID: 'The list changed while you were paging. Start again from the first page.',
  PAGE_TOO_DEEP: 'That page is too deep. Narrow the filters or use Next page.',
  MEDIA_TYPE_UNSUPPORTED: 'Only JPEG, PNG, WebP and GIF images can be uploaded.',
  MEDIA_UNREADABLE: 'This image could not be read: the file may be damaged.',
  MEDIA_TOO_LARGE_IMAGE: 'This image has too many pixels (more than 40 megapixels). Make it smaller first.',
  PAYLOAD_TOO_LARGE: 'The file is too large to upload.',
  VALIDATION_FAILED: 'Some values need correcting.',
};

export function describeError(error: unknown): ErrorText {
  if (!(error instanceof ApiError)) {
    return { title: 'Something went wrong in the console. Reload the page and try again.', details: [String((error as Error)?.message ?? error)], requestId: null };
  }
  let title = WORDS[error.code];
  if (!title && error.status >= 500) title = 'Something went wrong on the server. Try again; if it keeps happening, tell support the request id below.';
  if (!title && error.status === 404) title = 'Not found: this may not be available on this server.';
  if (!title && error.status === 413) title = WORDS.PAYLOAD_TOO_LARGE;
  if (!title && error.status === 429) title = WORDS.RATE_LIMITED;
  title ??= error.messages[0] ?? `The request failed (HTTP ${error.status}).`;
  // The server's wording adds detail where ours is general (e.g. which field, which limit).
  const details = error.status >= 500 || error.code === 'NETWORK_ERROR' ? [] : error.messages.filter((m) => m !== title);
  return { title, details, requestId: error.requestId };
}

export interface FieldErrors {
  /** Messages by form field, with the property name replaced by the field's label. */
  byField: Record<string, string[]>;
  /** Messages that name no field of the form. */
  other: string[];
}

/**
 * class-validator messages start with the property: "price must not be less than 0",
 * "each value in images must be an URL address", "images.0 must be …", and the global pipe's
 * "property version should not exist".
 */
export function fieldErrors(messages: string[], labels: Record<string, string>): FieldErrors {
  const result: FieldErrors = { byField: {}, other: [] };
  for (const message of messages) {
    const match = /^(?:each value in |property )?([A-Za-z][A-Za-z0-9]*)(?:\.\d+)?\b(.*)$/.exec(message);
    const field = match?.[1];
    if (field && Object.prototype.hasOwnProperty.call(labels, field)) {
      const rest = message.startsWith('property ') ? ' is not accepted by this server' : match![2];
      const text = message.startsWith('each value in ') ? `Each value in ${labels[field]}${rest}` : `${labels[field]}${rest}`;
      (result.byField[field] ??= []).push(text);
    } else {
      result.other.push(message);
    }
  }
  return result;
}
