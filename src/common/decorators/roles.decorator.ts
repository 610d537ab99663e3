import { SetMetadata } from '@nestjs/common';
import { Role } from '../auth-user';

export const ROLES_KEY = 'roles';
/** Restricts a route to these roles; the role is read from the database, never from a token claim. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
