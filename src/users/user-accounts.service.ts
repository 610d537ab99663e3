import { Injectable } from '@nestjs/common';
import { AuditContext, SYSTEM_AUDIT_CONTEXT } from '../audit/audit-entry';
import { MediaService } from '../media/media.service';
import { PasswordHasher } from './password-hasher';
import { CreateAccountDto, ListUsersQueryDto, UpdateAccountDto, UserListResponse } from './dto/user-accounts.dto';
import { toUserResponse, UserResponse } from './dto/user.response';
import type { UserEntity } from './entities/user.entity';
import { InvalidCredentialsError, LastAdminError, UserDisabledError, UsernameTakenError, UserNotFoundError } from './users.errors';
import { UserAccountsRepository } from './user-accounts.repository';
import { UserEvents } from './user-events';

const DEFAULT_PAGE_SIZE = 20;

/** Staff and admin accounts: password login, the admin's user management, the first admin. */
@Injectable()
export class UserAccountsService {
  constructor(
    private readonly accounts: UserAccountsRepository,
    private readonly hasher: PasswordHasher,
    private readonly events: UserEvents,
    private readonly media: MediaService,
  ) {}

  /**
   * The account with this username and password. An unknown username and a wrong password
   * fail alike, after the same work: the password is checked against a dummy hash when
   * there is no account (or it has no password, like every mini program user). Whether the
   * account is disabled is told only to someone who knows its password.
   */
  async authenticate(username: string, password: string): Promise<UserEntity> {
    const user = await this.accounts.findByUsername(username);
    const stored = user?.passwordHash ?? (await this.hasher.dummyHash());
    const ok = await this.hasher.verify(password, stored);
    if (!user || !user.passwordHash || !ok) throw new InvalidCredentialsError();
    if (user.disabled) throw new UserDisabledError();
    return user;
  }

  async list(query: ListUsersQueryDto): Promise<UserListResponse> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const search = query.search?.trim() || undefined;
    const { users, total } = await this.accounts.search({ search, role: query.role }, (page - 1) * pageSize, pageSize);
    return { items: users.map(toUserResponse), total, page, pageSize };
  }

  /** A staff or admin account, recorded in the audit log as made by `audit`'s actor. */
  async create(dto: CreateAccountDto, audit: AuditContext): Promise<UserResponse> {
    const user = await this.accounts.create(
      {
        username: dto.username,
        passwordHash: await this.hasher.hash(dto.password),
        role: dto.role,
        nickname: dto.nickname ?? null,
      },
      audit,
    );
    if (!user) throw new UsernameTakenError();
    return toUserResponse(user);
  }

  /**
   * Changes a user's role or disables/enables them. The last enabled admin cannot be
   * demoted or disabled. Announced to auth, which revokes a disabled account's sessions;
   * the change reaches this instance's token checks at once, every other instance's within
   * 1 s with Redis (a broadcast), else within the principal cache's lifetime (4 s). Each value
   * that changes is recorded in the audit log as done by `audit`'s actor.
   */
  async update(id: string, dto: UpdateAccountDto, audit: AuditContext): Promise<UserResponse> {
    const result = await this.accounts.changeRoleOrDisabled(id, { role: dto.role, disabled: dto.disabled }, audit);
    if (result.kind === 'missing') throw new UserNotFoundError();
    if (result.kind === 'last-admin') throw new LastAdminError();
    const change = dto.disabled === true ? 'disabled' : dto.disabled === false ? 'enabled' : 'role-changed';
    await this.events.accessChanged(id, change);
    return toUserResponse(result.user);
  }

  /**
   * Erases an account and everything personal in it (DELETE /users/me), its avatar and unused
   * uploads included; the openid is free for a new, empty account.
   */
  async erase(id: string): Promise<void> {
    const outcome = await this.accounts.eraseUnlessLastAdmin(id);
    if (outcome.kind === 'last-admin') throw new LastAdminError();
    await this.events.accessChanged(id, 'erased');
    if (outcome.kind === 'missing') throw new UserNotFoundError();
    await this.media.freeReleased(outcome.released);
    await this.media.eraseUploadsOf(id);
  }

  /**
   * Creates an admin account unless the username exists; an existing account is never changed.
   * The start-up admin: recorded in the audit log as made by the system.
   */
  async ensureAdmin(username: string, password: string): Promise<'created' | 'exists'> {
    if (await this.accounts.findByUsername(username)) return 'exists';
    const user = await this.accounts.create(
      { username, passwordHash: await this.hasher.hash(password), role: 'admin', nickname: null },
      SYSTEM_AUDIT_CONTEXT,
    );
    return user ? 'created' : 'exists';
  }

  /** For the operator CLI: a new admin (recorded as made by the system), or UsernameTakenError. */
  async createAdmin(username: string, password: string): Promise<UserResponse> {
    return this.create({ username, password, role: 'admin' }, SYSTEM_AUDIT_CONTEXT);
  }
}
