import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isMediaKey } from '../media-key';
import type { MediaStorage, StoredFile } from './media-storage';

/**
 * Files under STORAGE_LOCAL_DIR, served by the app at /media/{key}. A key `ab12….jpg`
 * lives at `ab/ab12….jpg`, so no folder grows to millions of entries.
 */
export class LocalMediaStorage implements MediaStorage {
  constructor(readonly dir: string) {}

  /** Where a key's file is; throws for anything that is not a media key (so no path can escape `dir`). */
  pathOf(key: string): string {
    if (!isMediaKey(key)) throw new Error('not a media key');
    return join(this.dir, key.slice(0, 2), key);
  }

  /** Written to a temporary name, flushed, then renamed: a reader never sees half a file, and a failure leaves none. */
  async put(key: string, data: Buffer): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.part`;
    try {
      const handle = await open(temporary, 'wx', 0o644);
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await rm(this.pathOf(key), { force: true });
    } catch (err) {
      // A path through something that is not a folder cannot hold the file either.
      if ((err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err;
    }
  }

  async open(key: string): Promise<StoredFile | null> {
    if (!isMediaKey(key)) return null;
    let handle;
    try {
      handle = await open(this.pathOf(key), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const { size } = await handle.stat();
      // The stream closes the handle when it ends or is destroyed.
      return { body: handle.createReadStream(), bytes: size };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
}
