import { randomBytes } from 'node:crypto';
import { PasswordHasher } from '../../src/users/password-hasher';
import type { TestApp } from './test-app';

/** Cheap scrypt parameters for accounts made by tests: the hash carries them, so logins verify fast. */
const testHasher = new PasswordHasher({ logN: 10, r: 8, p: 1 });

export interface TestAccount {
  id: string;
  username: string;
  password: string;
  /** Access token from a real POST /api/auth/token. */
  token: string;
  refreshToken: string;
}

/** Inserts a staff or admin account with a hashed password (no token). */
export async function insertAccount(
  t: TestApp,
  options: { role?: 'user' | 'staff' | 'admin'; username?: string; password?: string; disabled?: boolean } = {},
): Promise<{ id: string; username: string; password: string }> {
  const username = options.username ?? `staff_${randomBytes(4).toString('hex')}`;
  const password = options.password ?? `pw-${randomBytes(8).toString('hex')}`;
  const [{ id }] = await t.dataSource.query(
    `INSERT INTO users (username, password_hash, role, disabled) VALUES ($1, $2, $3, $4) RETURNING id`,
    [username, await testHasher.hash(password), options.role ?? 'staff', options.disabled ?? false],
  );
  return { id, username, password };
}

/** POST /api/auth/token; throws unless it answers 200. */
export async function passwordLogin(t: TestApp, username: string, password: string): Promise<any> {
  const res = await t.request('POST', '/api/auth/token', { body: { username, password } });
  if (res.status !== 200) throw new Error(`password login of ${username} failed: ${res.status} ${res.text}`);
  return res.body;
}

/** A signed-in staff (or admin) account. */
export async function signInAccount(t: TestApp, role: 'staff' | 'admin' = 'staff', username?: string): Promise<TestAccount> {
  const account = await insertAccount(t, { role, username });
  const pair = await passwordLogin(t, account.username, account.password);
  return { ...account, token: pair.accessToken, refreshToken: pair.refreshToken };
}

/** Inserts goods straight into the table (fast seeding for list tests). */
export async function insertGoods(
  t: TestApp,
  rows: { name: string; price?: string; stock?: number; category?: string | null; onSale?: boolean; createdAt?: string }[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  const result: { id: string }[] = await t.dataSource.query(
    `INSERT INTO goods (name, price, stock, category, on_sale, created_at, updated_at)
     SELECT r.name, r.price::numeric, r.stock, r.category, r.on_sale, COALESCE(r.created_at, now()), COALESCE(r.created_at, now())
       FROM jsonb_to_recordset($1::jsonb) AS r(name text, price text, stock int, category text, on_sale boolean, created_at timestamptz, ord int)
      ORDER BY r.ord
     RETURNING id`,
    [
      JSON.stringify(
        rows.map((r, i) => ({
          name: r.name,
          price: r.price ?? '1.00',
          stock: r.stock ?? 0,
          category: r.category ?? null,
          on_sale: r.onSale ?? true,
          created_at: r.createdAt ?? null,
          ord: i,
        })),
      ),
    ],
  );
  return result.map((r) => r.id);
}
