import { DomainError } from '../common/errors';

export class UserNotFoundError extends DomainError {
  readonly status = 404;
  readonly code = 'USER_NOT_FOUND';
  constructor() {
    super('User not found');
  }
}

export class UserDisabledError extends DomainError {
  readonly status = 403;
  readonly code = 'USER_DISABLED';
  constructor() {
    super('This account is disabled');
  }
}
