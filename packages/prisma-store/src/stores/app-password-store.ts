import type { AppPassword, AppPasswordStore } from '@gatehouse/core';
import type { AppPassword as Row } from '../generated/prisma/client.js';
import { toDate, toOptionalDate, toOptionalSeconds } from '../time.js';
import type { Db } from './db.js';

function toAppPassword(row: Row): AppPassword {
  return { id: row.id, userId: row.userId, name: row.name, tokenDigest: row.tokenDigest, expiresAt: toOptionalSeconds(row.expiresAt) };
}

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
      return row ? toAppPassword(row) : null;
    },
    async listByUser(userId) {
      const rows = await db.appPassword.findMany({ where: { userId }, orderBy: { name: 'asc' } });
      return rows.map(toAppPassword);
    },
    async delete(userId, id) {
      const { count } = await db.appPassword.deleteMany({ where: { userId, id } });
      return count > 0;
    },
  };
}
