import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import type { TestApp } from './test-app';
import { TEST_APPID } from './test-app';

/** Seals a payload the way WeChat seals encryptedData for the mini program: AES-128-CBC, PKCS#7, key = session_key. */
export function sealOpenData(sessionKey: string, payload: object): { encryptedData: string; iv: string } {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return { encryptedData: data.toString('base64'), iv: iv.toString('base64') };
}

export function watermark(appid = TEST_APPID) {
  return { timestamp: Math.floor(Date.now() / 1000), appid };
}

/** rawData and its signature as wx.getUserInfo sends them: hex sha1(rawData + session_key). */
export function signRawData(rawData: string, sessionKey: string): string {
  return createHash('sha1').update(rawData + sessionKey).digest('hex');
}

/** Flips one bit of the decoded value at `index` (negative counts from the end). */
export function flipBit(b64: string, index: number): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[index < 0 ? bytes.length + index : index] ^= 0x01;
  return bytes.toString('base64');
}

/** Every readable form of a base64 secret: as given, unpadded, base64url, hex (either case). */
export function readableForms(b64: string): string[] {
  const raw = Buffer.from(b64, 'base64');
  return [b64, b64.replace(/=+$/, ''), raw.toString('base64url'), raw.toString('hex'), raw.toString('hex').toUpperCase()];
}

/** Logs a user in through the real flow and returns its token, id and the session_key WeChat handed out. */
export async function loginWithKey(t: TestApp, openid: string): Promise<{ token: string; userId: string; sessionKey: string }> {
  const pair = await t.login(openid);
  const sessionKey = t.fake.sessionKeyOf(openid);
  if (!sessionKey) throw new Error(`no session_key for ${openid}`);
  return { token: pair.accessToken, userId: pair.user.id, sessionKey };
}

/** The user's row as stored, to show that a refused request changed nothing. */
export async function userRow(t: TestApp, userId: string): Promise<Record<string, unknown>> {
  const rows = await t.dataSource.query('SELECT * FROM users WHERE id = $1', [userId]);
  return rows[0];
}
