import type { AccessTokenRecordStore } from '@gatehouse/core';
import { toDate, toOptionalDate, toOptionalSeconds, toSeconds } from '../time.js';
import type { Db } from './db.js';

export function prismaAccessTokenRecordStore(db: Db): AccessTokenRecordStore {
  return {
    async create(record) {
      await db.accessToken.create({
        data: {
          ...record,
          scopes: [...record.scopes],
          issuedAt: toDate(record.issuedAt),
          expiresAt: toDate(record.expiresAt),
          revokedAt: toOptionalDate(record.revokedAt),
        },
      });
    },
    async find(jti, now) {
      const row = await db.accessToken.findFirst({ where: { jti, expiresAt: { gt: toDate(now) } } });
      return row
        ? { ...row, issuedAt: toSeconds(row.issuedAt), expiresAt: toSeconds(row.expiresAt), revokedAt: toOptionalSeconds(row.revokedAt) }
        : null;
    },
    async revoke(jti, at) {
      await db.accessToken.updateMany({ where: { jti, revokedAt: null }, data: { revokedAt: toDate(at) } });
    },
    async revokeByGrantId(grantId, at) {
      await db.accessToken.updateMany({ where: { grantId, revokedAt: null }, data: { revokedAt: toDate(at) } });
    },
  };
}
