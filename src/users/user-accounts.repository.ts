import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { changesBetween } from '../audit/audit-changes';
import type { AuditContext } from '../audit/audit-entry';
import { AuditRepository } from '../audit/audit.repository';
import type { Role } from '../common/auth-user';
import { escapeLike, queryRows } from '../database/sql';
import { MediaReferencesRepository } from '../media/media-references.repository';
import { UserEntity } from './entities/user.entity';

/**
 * Changes that could leave no enabled admin (demote, disable, erase) take this
 * transaction-scoped advisory lock first, so two admins demoting each other at the same
 * moment are serialised and the second finds itself the last one.
 */
const ADMIN_CHANGE_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('wxmall.users.enabled-admins'))`;

/** What the audit log shows of a new account (never its password hash). */
const AUDITED_NEW_ACCOUNT_FIELDS = ['username', 'role', 'nickname'];

export interface NewAccount {
  username: string;
  passwordHash: string;
  role: 'staff' | 'admin';
  nickname: string | null;
}

/** What the last-admin rule looks at, as the account was before the change. */
interface AccessState {
  role: Role;
  disabled: boolean;
}

export type AccountChangeResult = { kind: 'updated'; user: UserEntity } | { kind: 'missing' } | { kind: 'last-admin' };

/** `released`: the media the account referred to (its avatar), to free once the erasure has committed. */
export type EraseResult = { kind: 'erased'; released: string[] } | { kind: 'missing' } | { kind: 'last-admin' };

/**
 * Staff and admin accounts: username lookups, creation, and what admins change. Each change
 * an admin makes is recorded in the audit log in the same transaction.
 */
@Injectable()
export class UserAccountsRepository {
  constructor(
    @InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>,
    private readonly audit: AuditRepository,
    private readonly references: MediaReferencesRepository,
  ) {}

  /** Usernames are unique regardless of case (`users_username_lower_key`). */
  findByUsername(username: string): Promise<UserEntity | null> {
    return this.repo.createQueryBuilder('u').where('lower(u.username) = lower(:username)', { username }).getOne();
  }

  /**
   * Null when the username is taken; the unique index decides, so concurrent creates of one
   * name make one account. A created account is recorded in the audit log (`user.create`).
   */
  async create(account: NewAccount, audit: AuditContext): Promise<UserEntity | null> {
    return this.repo.manager.transaction(async (tx) => {
      const rows = await queryRows<{ id: string }>(
        tx,
        `INSERT INTO users (username, password_hash, role, nickname) VALUES ($1, $2, $3, $4)
         ON CONFLICT (lower(username)) WHERE username IS NOT NULL DO NOTHING
         RETURNING id`,
        [account.username, account.passwordHash, account.role, account.nickname],
      );
      if (rows.length === 0) return null;
      const user = await tx.findOneByOrFail(UserEntity, { id: rows[0].id });
      await this.audit.record(tx, audit, {
        action: 'user.create',
        targetType: 'user',
        targetId: user.id,
        changes: changesBetween(null, { username: user.username, role: user.role, nickname: user.nickname }, AUDITED_NEW_ACCOUNT_FIELDS),
      });
      return user;
    });
  }

  async search(filter: { search?: string; role?: Role }, offset: number, limit: number): Promise<{ users: UserEntity[]; total: number }> {
    const qb = this.repo.createQueryBuilder('u');
    if (filter.search) {
      qb.andWhere('(u.nickname ILIKE :pattern OR u.username ILIKE :pattern OR u.openid ILIKE :pattern)', {
        pattern: `%${escapeLike(filter.search)}%`,
      });
    }
    if (filter.role) qb.andWhere('u.role = :role', { role: filter.role });
    qb.orderBy('u.createdAt', 'DESC').addOrderBy('u.id', 'DESC').offset(offset).limit(limit);
    const [users, total] = await qb.getManyAndCount();
    return { users, total };
  }

  /**
   * Sets role and/or disabled unless that leaves no enabled admin. Each value that changes is
   * one audit row (`user.role`; `user.disable` or `user.enable`); a value sent as it already
   * is writes nothing. Revoking the sessions of a disabled account is auth's business: the
   * service announces the change.
   */
  async changeRoleOrDisabled(id: string, change: { role?: Role; disabled?: boolean }, audit: AuditContext): Promise<AccountChangeResult> {
    const outcome = await this.unlessLastAdmin(id, change, async (tx, before) => {
      const after: AccessState = { role: change.role ?? before.role, disabled: change.disabled ?? before.disabled };
      const roleChanges = changesBetween({ ...before }, { ...after }, ['role']);
      const disabledChanges = changesBetween({ ...before }, { ...after }, ['disabled']);
      if (Object.keys(roleChanges).length === 0 && Object.keys(disabledChanges).length === 0) return;
      await tx.query(`UPDATE users SET role = $2, disabled = $3, updated_at = now() WHERE id = $1`, [id, after.role, after.disabled]);
      if (Object.keys(roleChanges).length > 0) {
        await this.audit.record(tx, audit, { action: 'user.role', targetType: 'user', targetId: id, changes: roleChanges });
      }
      if (Object.keys(disabledChanges).length > 0) {
        await this.audit.record(tx, audit, {
          action: after.disabled ? 'user.disable' : 'user.enable',
          targetType: 'user',
          targetId: id,
          changes: disabledChanges,
        });
      }
    });
    if (outcome.kind !== 'done') return outcome;
    return { kind: 'updated', user: await this.repo.findOneByOrFail({ id }) };
  }

  /**
   * Erases the account (its sessions and tokens go with it: ON DELETE CASCADE), unless it is
   * the last enabled admin. Its media references (the avatar) go in the same transaction.
   */
  async eraseUnlessLastAdmin(id: string): Promise<EraseResult> {
    const outcome = await this.unlessLastAdmin(id, null, async (tx) => {
      const released = await this.references.replace(tx, { type: 'user', id }, []);
      await tx.query(`DELETE FROM users WHERE id = $1`, [id]);
      return released;
    });
    return outcome.kind === 'done' ? { kind: 'erased', released: outcome.value } : outcome;
  }

  /**
   * The one last-admin rule: under ADMIN_CHANGE_LOCK_SQL, runs `apply` on user `id` (locked,
   * with its state before the change) unless it is an enabled admin that would stop being one
   * (`change` null: erased) while no other enabled admin exists.
   */
  private unlessLastAdmin<T>(
    id: string,
    change: { role?: Role; disabled?: boolean } | null,
    apply: (tx: EntityManager, before: AccessState) => Promise<T>,
  ): Promise<{ kind: 'done'; value: T } | { kind: 'missing' } | { kind: 'last-admin' }> {
    return this.repo.manager.transaction(async (tx) => {
      await tx.query(ADMIN_CHANGE_LOCK_SQL);
      const [target]: AccessState[] = await tx.query(`SELECT role, disabled FROM users WHERE id = $1 FOR UPDATE`, [id]);
      if (!target) return { kind: 'missing' as const };
      const isEnabledAdmin = target.role === 'admin' && !target.disabled;
      const staysEnabledAdmin = change !== null && (change.role ?? target.role) === 'admin' && !(change.disabled ?? target.disabled);
      if (isEnabledAdmin && !staysEnabledAdmin) {
        const [{ n }]: { n: number }[] = await tx.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND NOT disabled AND id <> $1`, [id]);
        if (n === 0) return { kind: 'last-admin' as const };
      }
      return { kind: 'done' as const, value: await apply(tx, target) };
    });
  }
}
