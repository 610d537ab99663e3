import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { Role } from '../common/auth-user';
import { escapeLike } from '../database/sql';
import { UserEntity } from './entities/user.entity';

/**
 * Changes that could leave no enabled admin (demote, disable, erase) take this
 * transaction-scoped advisory lock first, so two admins demoting each other at the same
 * moment are serialised and the second finds itself the last one.
 */
const ADMIN_CHANGE_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('wxmall.users.enabled-admins'))`;

export interface NewAccount {
  username: string;
  passwordHash: string;
  role: 'staff' | 'admin';
  nickname: string | null;
}

export type AccountChangeResult = { kind: 'updated'; user: UserEntity } | { kind: 'missing' } | { kind: 'last-admin' };

/** Staff and admin accounts: username lookups, creation, and what admins change. */
@Injectable()
export class UserAccountsRepository {
  constructor(@InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>) {}

  /** Usernames are unique regardless of case (`users_username_lower_key`). */
  findByUsername(username: string): Promise<UserEntity | null> {
    return this.repo.createQueryBuilder('u').where('lower(u.username) = lower(:username)', { username }).getOne();
  }

  /** Null when the username is taken; the unique index decides, so concurrent creates of one name make one account. */
  async create(account: NewAccount): Promise<UserEntity | null> {
    const rows: { id: string }[] = await this.repo.query(
      `INSERT INTO users (username, password_hash, role, nickname) VALUES ($1, $2, $3, $4)
       ON CONFLICT (lower(username)) WHERE username IS NOT NULL DO NOTHING
       RETURNING id`,
      [account.username, account.passwordHash, account.role, account.nickname],
    );
    return rows.length ? this.repo.findOneByOrFail({ id: rows[0].id }) : null;
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
   * Sets role and/or disabled unless that leaves no enabled admin. Revoking the sessions of
   * a disabled account is auth's business: the service announces the change.
   */
  async changeRoleOrDisabled(id: string, change: { role?: Role; disabled?: boolean }): Promise<AccountChangeResult> {
    const outcome = await this.unlessLastAdmin(id, change, (tx) =>
      tx.query(`UPDATE users SET role = COALESCE($2, role), disabled = COALESCE($3, disabled), updated_at = now() WHERE id = $1`, [
        id,
        change.role ?? null,
        change.disabled ?? null,
      ]),
    );
    if (outcome !== 'done') return { kind: outcome };
    return { kind: 'updated', user: await this.repo.findOneByOrFail({ id }) };
  }

  /** Erases the account (its sessions and tokens go with it: ON DELETE CASCADE), unless it is the last enabled admin. */
  eraseUnlessLastAdmin(id: string): Promise<'done' | 'missing' | 'last-admin'> {
    return this.unlessLastAdmin(id, null, (tx) => tx.query(`DELETE FROM users WHERE id = $1`, [id]));
  }

  /**
   * The one last-admin rule: under ADMIN_CHANGE_LOCK_SQL, runs `apply` on user `id` unless it
   * is an enabled admin that would stop being one (`change` null: erased) while no other
   * enabled admin exists.
   */
  private unlessLastAdmin(
    id: string,
    change: { role?: Role; disabled?: boolean } | null,
    apply: (tx: EntityManager) => Promise<unknown>,
  ): Promise<'done' | 'missing' | 'last-admin'> {
    return this.repo.manager.transaction(async (tx) => {
      await tx.query(ADMIN_CHANGE_LOCK_SQL);
      const [target]: { role: Role; disabled: boolean }[] = await tx.query(`SELECT role, disabled FROM users WHERE id = $1 FOR UPDATE`, [id]);
      if (!target) return 'missing';
      const isEnabledAdmin = target.role === 'admin' && !target.disabled;
      const staysEnabledAdmin = change !== null && (change.role ?? target.role) === 'admin' && !(change.disabled ?? target.disabled);
      if (isEnabledAdmin && !staysEnabledAdmin) {
        const [{ n }]: { n: number }[] = await tx.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND NOT disabled AND id <> $1`, [id]);
        if (n === 0) return 'last-admin';
      }
      await apply(tx);
      return 'done';
    });
  }
}
