import { DomainError, domainError } from '../common/errors';

export class UserNotFoundError extends domainError(404, 'USER_NOT_FOUND', 'User not found') {}

export class UserDisabledError extends domainError(403, 'USER_DISABLED', 'This account is disabled') {}

/** A wrong username or a wrong password: deliberately the same answer. */
export class InvalidCredentialsError extends DomainError {
  readonly status = 401;
  readonly code = 'INVALID_CREDENTIALS';
  constructor() {
    super('Wrong username or password');
  }
}

export class UsernameTakenError extends DomainError {
  readonly status = 409;
  readonly code = 'USERNAME_TAKEN';
  constructor() {
    super('This username is already taken');
  }
}

/** The change would leave no enabled admin, and nobody could manage users any more. */
export class LastAdminError extends DomainError {
  readonly status = 409;
  readonly code = 'LAST_ADMIN';
  constructor() {
    super('This is the last enabled admin: promote another admin first');
  }
}
