import { domainError } from '../common/errors';

export class UserNotFoundError extends domainError(404, 'USER_NOT_FOUND', 'User not found') {}

export class UserDisabledError extends domainError(403, 'USER_DISABLED', 'This account is disabled') {}

/** A wrong username or a wrong password: deliberately the same answer. */
export class InvalidCredentialsError extends domainError(401, 'INVALID_CREDENTIALS', 'Wrong username or password') {}

export class UsernameTakenError extends domainError(409, 'USERNAME_TAKEN', 'This username is already taken') {}

/** The change would leave no enabled admin, and nobody could manage users any more. */
export class LastAdminError extends domainError(409, 'LAST_ADMIN', 'This is the last enabled admin: promote another admin first') {}
