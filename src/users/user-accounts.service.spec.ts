import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { UserEvents } from './user-events';
import { PasswordHasher } from './password-hasher';
import type { UserEntity } from './entities/user.entity';
import { UserAccountsRepository } from './user-accounts.repository';
import { UserAccountsService } from './user-accounts.service';
import { InvalidCredentialsError, LastAdminError, UserDisabledError, UsernameTakenError, UserNotFoundError } from './users.errors';

const hasher = new PasswordHasher({ logN: 4, r: 1, p: 1 });

function user(fields: Partial<UserEntity>): UserEntity {
  return { id: 'u1', role: 'staff', disabled: false, username: 'alice', passwordHash: null, createdAt: new Date(), updatedAt: new Date(), ...fields } as UserEntity;
}

describe(UserAccountsService.name, () => {
  let repo: { findByUsername: ReturnType<typeof vi.fn>; create: ReturnType<typeof vi.fn>; search: ReturnType<typeof vi.fn>; changeRoleOrDisabled: ReturnType<typeof vi.fn> };
  let events: { accessChanged: ReturnType<typeof vi.fn> };
  let verify: ReturnType<typeof vi.spyOn>;
  let sut: UserAccountsService;

  beforeEach(() => {
    repo = { findByUsername: vi.fn(), create: vi.fn(), search: vi.fn(), changeRoleOrDisabled: vi.fn() };
    events = { accessChanged: vi.fn().mockResolvedValue(undefined) };
    verify = vi.spyOn(hasher, 'verify');
    verify.mockClear();
    sut = new UserAccountsService(repo as unknown as UserAccountsRepository, hasher, events as unknown as UserEvents);
  });

  describe('authenticate', () => {
    it('should return the account for the right password', async () => {
      const account = user({ passwordHash: await hasher.hash('right-password') });
      repo.findByUsername.mockResolvedValue(account);
      await expect(sut.authenticate('alice', 'right-password')).resolves.toBe(account);
    });

    it('should run the same password check for an unknown user as for a known one', async () => {
      repo.findByUsername.mockResolvedValue(null);
      await expect(sut.authenticate('nobody', 'whatever-pass')).rejects.toBeInstanceOf(InvalidCredentialsError);
      expect(verify).toHaveBeenCalledTimes(1);
      expect(verify).toHaveBeenCalledWith('whatever-pass', await hasher.dummyHash());
    });

    it('should refuse a wrong password with the same error as an unknown user', async () => {
      repo.findByUsername.mockResolvedValue(user({ passwordHash: await hasher.hash('right-password') }));
      await expect(sut.authenticate('alice', 'wrong-password')).rejects.toBeInstanceOf(InvalidCredentialsError);
      expect(verify).toHaveBeenCalledTimes(1);
    });

    it('should refuse an account without a password (a mini program user) after a dummy check', async () => {
      repo.findByUsername.mockResolvedValue(user({ passwordHash: null, role: 'user', openid: 'o_x' }));
      await expect(sut.authenticate('alice', '')).rejects.toBeInstanceOf(InvalidCredentialsError);
      expect(verify).toHaveBeenCalledTimes(1);
    });

    it('should tell a disabled account only to someone who knows its password', async () => {
      repo.findByUsername.mockResolvedValue(user({ disabled: true, passwordHash: await hasher.hash('right-password') }));
      await expect(sut.authenticate('alice', 'right-password')).rejects.toBeInstanceOf(UserDisabledError);
      await expect(sut.authenticate('alice', 'wrong-password')).rejects.toBeInstanceOf(InvalidCredentialsError);
    });
  });

  describe('update', () => {
    it.each([
      [{ disabled: true }, 'disabled'],
      [{ disabled: false }, 'enabled'],
      [{ role: 'staff' as const }, 'role-changed'],
    ])('should announce %j as %s once it is saved', async (dto, change) => {
      repo.changeRoleOrDisabled.mockResolvedValue({ kind: 'updated', user: user({ disabled: 'disabled' in dto ? dto.disabled : false }) });
      await expect(sut.update('u1', dto)).resolves.toMatchObject({ id: 'u1' });
      expect(events.accessChanged).toHaveBeenCalledWith('u1', change);
    });

    it('should map a missing user and the last admin to their errors', async () => {
      repo.changeRoleOrDisabled.mockResolvedValueOnce({ kind: 'missing' }).mockResolvedValueOnce({ kind: 'last-admin' });
      await expect(sut.update('u1', { role: 'staff' })).rejects.toBeInstanceOf(UserNotFoundError);
      await expect(sut.update('u1', { role: 'staff' })).rejects.toBeInstanceOf(LastAdminError);
      expect(events.accessChanged).not.toHaveBeenCalled();
    });
  });

  describe('create and ensureAdmin', () => {
    it('should store a hash, never the password, and refuse a taken username', async () => {
      repo.create.mockImplementation(async (account) => user({ username: account.username, passwordHash: account.passwordHash, role: account.role }));
      const created = await sut.create({ username: 'bob', password: 'bob-password', role: 'staff' });
      expect(created).not.toHaveProperty('passwordHash');
      expect(repo.create.mock.calls[0][0].passwordHash).toMatch(/^\$scrypt\$/);
      repo.create.mockResolvedValue(null);
      await expect(sut.create({ username: 'bob', password: 'bob-password', role: 'staff' })).rejects.toBeInstanceOf(UsernameTakenError);
    });

    it('should leave an existing account alone', async () => {
      repo.findByUsername.mockResolvedValue(user({ username: 'root' }));
      await expect(sut.ensureAdmin('root', 'new-password')).resolves.toBe('exists');
      expect(repo.create).not.toHaveBeenCalled();
    });
  });
});
