import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditContext } from '../audit/audit-entry';
import type { MediaService } from '../media/media.service';
import type { UserEvents } from './user-events';
import { PasswordHasher } from './password-hasher';
import type { UserEntity } from './entities/user.entity';
import { UserAccountsRepository } from './user-accounts.repository';
import { UserAccountsService } from './user-accounts.service';
import { InvalidCredentialsError, LastAdminError, UserDisabledError, UsernameTakenError, UserNotFoundError } from './users.errors';

const hasher = new PasswordHasher({ logN: 4, r: 1, p: 1 });
const AUDIT: AuditContext = { actorId: 'admin-1', requestId: 'req-1' };

function user(fields: Partial<UserEntity>): UserEntity {
  return { id: 'u1', role: 'staff', disabled: false, username: 'alice', passwordHash: null, createdAt: new Date(), updatedAt: new Date(), ...fields } as UserEntity;
}

describe(UserAccountsService.name, () => {
  let repo: {
    findByUsername: ReturnType<typeof vi.fn>;
    create: ReturnType<typeof vi.fn>;
    search: ReturnType<typeof vi.fn>;
    changeRoleOrDisabled: ReturnType<typeof vi.fn>;
    eraseUnlessLastAdmin: ReturnType<typeof vi.fn>;
  };
  let events: { accessChanged: ReturnType<typeof vi.fn> };
  let media: { freeReleased: ReturnType<typeof vi.fn>; eraseUploadsOf: ReturnType<typeof vi.fn> };
  let verify: ReturnType<typeof vi.spyOn>;
  let sut: UserAccountsService;

  beforeEach(() => {
    repo = { findByUsername: vi.fn(), create: vi.fn(), search: vi.fn(), changeRoleOrDisabled: vi.fn(), eraseUnlessLastAdmin: vi.fn() };
    events = { accessChanged: vi.fn().mockResolvedValue(undefined) };
    media = { freeReleased: vi.fn().mockResolvedValue(undefined), eraseUploadsOf: vi.fn().mockResolvedValue(undefined) };
    verify = vi.spyOn(hasher, 'verify');
    verify.mockClear();
    sut = new UserAccountsService(repo as unknown as UserAccountsRepository, hasher, events as unknown as UserEvents, media as unknown as MediaService);
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
      await expect(sut.update('u1', dto, AUDIT)).resolves.toMatchObject({ id: 'u1' });
      expect(repo.changeRoleOrDisabled).toHaveBeenCalledWith('u1', { role: undefined, disabled: undefined, ...dto }, AUDIT);
      expect(events.accessChanged).toHaveBeenCalledWith('u1', change);
    });

    it('should map a missing user and the last admin to their errors', async () => {
      repo.changeRoleOrDisabled.mockResolvedValueOnce({ kind: 'missing' }).mockResolvedValueOnce({ kind: 'last-admin' });
      await expect(sut.update('u1', { role: 'staff' }, AUDIT)).rejects.toBeInstanceOf(UserNotFoundError);
      await expect(sut.update('u1', { role: 'staff' }, AUDIT)).rejects.toBeInstanceOf(LastAdminError);
      expect(events.accessChanged).not.toHaveBeenCalled();
    });
  });

  describe('erase', () => {
    it('should free the avatar and erase the uploads only once the account is erased', async () => {
      repo.eraseUnlessLastAdmin.mockResolvedValueOnce({ kind: 'erased', released: ['m1'] });
      await sut.erase('u1');
      expect(media.freeReleased).toHaveBeenCalledWith(['m1']);
      expect(media.eraseUploadsOf).toHaveBeenCalledWith('u1');
      expect(events.accessChanged).toHaveBeenCalledWith('u1', 'erased');
    });

    it('should erase no uploads of the last admin or of a missing user', async () => {
      repo.eraseUnlessLastAdmin.mockResolvedValueOnce({ kind: 'last-admin' }).mockResolvedValueOnce({ kind: 'missing' });
      await expect(sut.erase('u1')).rejects.toBeInstanceOf(LastAdminError);
      await expect(sut.erase('u1')).rejects.toBeInstanceOf(UserNotFoundError);
      expect(media.eraseUploadsOf).not.toHaveBeenCalled();
    });
  });

  describe('create and ensureAdmin', () => {
    it('should store a hash, never the password, and refuse a taken username', async () => {
      repo.create.mockImplementation(async (account) => user({ username: account.username, passwordHash: account.passwordHash, role: account.role }));
      const created = await sut.create({ username: 'bob', password: 'bob-password', role: 'staff' }, AUDIT);
      expect(created).not.toHaveProperty('passwordHash');
      expect(repo.create.mock.calls[0][0].passwordHash).toMatch(/^\$scrypt\$/);
      repo.create.mockResolvedValue(null);
      await expect(sut.create({ username: 'bob', password: 'bob-password', role: 'staff' }, AUDIT)).rejects.toBeInstanceOf(UsernameTakenError);
      expect(repo.create.mock.calls[0][1]).toBe(AUDIT);
    });

    it('should record the CLI\'s and the start-up admin as made by the system', async () => {
      repo.findByUsername.mockResolvedValue(null);
      repo.create.mockImplementation(async (account) => user({ username: account.username, role: account.role }));
      await sut.ensureAdmin('root', 'root-password');
      await sut.createAdmin('ops', 'ops-password');
      expect(repo.create.mock.calls.map((call) => call[1])).toEqual([
        { actorId: null, requestId: null },
        { actorId: null, requestId: null },
      ]);
    });

    it('should leave an existing account alone', async () => {
      repo.findByUsername.mockResolvedValue(user({ username: 'root' }));
      await expect(sut.ensureAdmin('root', 'new-password')).resolves.toBe('exists');
      expect(repo.create).not.toHaveBeenCalled();
    });
  });
});
