import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

/**
 * SECRET_KEY, or one generated once and kept in DATA_DIR (with a warning: a generated key lives
 * only as long as that directory does).
 */
export async function resolveSecretKey(secretKey: string | undefined, dataDir: string, logger: Logger): Promise<string> {
  if (secretKey) return secretKey;
  const path = join(dataDir, 'secret-key');
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    const generated = randomBytes(48).toString('base64url');
    await mkdir(dataDir, { recursive: true });
    await writeFile(path, `${generated}\n`, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    logger.warn({ path }, 'SECRET_KEY is not set: generated one and stored it in DATA_DIR; set SECRET_KEY in production');
    return (await readFile(path, 'utf8')).trim();
  }
}
