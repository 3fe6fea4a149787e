import type { AppPasswordStore } from '@gatehouse/core';
import { toDate, toOptionalDate, toOptionalSeconds } from '../time.js';
import type { Db } from './db.js';

export function prismaAppPasswordStore(db: Db): AppPasswordStore {
  return {
    async save(appPassword) {
      const data = { id: appPassword.id, tokenDigest: appPassword.tokenDigest, expiresAt: toOptionalDate(appPassword.expiresAt) };
      await db.appPassword.upsert({
        where: { userId_name: { userId: appPassword.userId, name: appPassword.name } },
        create: { ...data, userId: appPassword.userId, name: appPassword.name },
        update: data,
      });
    },
    async findByDigest(tokenDigest, now) {
      const row = await db.appPassword.findFirst({
        where: { tokenDigest, OR: [{ expiresAt: null }, { expiresAt: { gt: toDate(now) } }] },
      });
      return row
        ? { id: row.id, userId: row.userId, name: row.name, tokenDigest: row.tokenDigest, expiresAt: toOptionalSeconds(row.expiresAt) }
        : null;
    },
  };
}
