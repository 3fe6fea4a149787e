import type { RefreshTokenRecord, RefreshTokenStore } from '@gatehouse/core';
import type { RefreshToken as Row } from '../generated/prisma/client.js';
import { toDate, toOptionalDate, toOptionalSeconds, toSeconds } from '../time.js';
import type { Db } from './db.js';

function toRecord(row: Row): RefreshTokenRecord {
  return {
    ...row,
    issuedAt: toSeconds(row.issuedAt),
    expiresAt: toSeconds(row.expiresAt),
    rotatedAt: toOptionalSeconds(row.rotatedAt),
    revokedAt: toOptionalSeconds(row.revokedAt),
  };
}

function toRow(record: RefreshTokenRecord) {
  return {
    ...record,
    scopes: [...record.scopes],
    issuedAt: toDate(record.issuedAt),
    expiresAt: toDate(record.expiresAt),
    rotatedAt: toOptionalDate(record.rotatedAt),
    revokedAt: toOptionalDate(record.revokedAt),
  };
}

/** Refresh tokens by digest; `rotate` needs a transaction, which it joins or opens. */
export function prismaRefreshTokenStore(db: Db, inTransaction: <T>(work: (db: Db) => Promise<T>) => Promise<T>): RefreshTokenStore {
  return {
    async create(record) {
      await db.refreshToken.create({ data: toRow(record) });
    },
    async find(tokenDigest, now) {
      const row = await db.refreshToken.findFirst({ where: { tokenDigest, expiresAt: { gt: toDate(now) } } });
      return row ? toRecord(row) : null;
    },
    rotate: (tokenDigest, successor, at) =>
      inTransaction(async (tx) => {
        // The conditional update takes the row lock: of concurrent rotations exactly one matches.
        const { count } = await tx.refreshToken.updateMany({
          where: { tokenDigest, rotatedAt: null, revokedAt: null },
          data: { rotatedAt: toDate(at), replacedBy: successor.tokenDigest },
        });
        if (count === 1) await tx.refreshToken.create({ data: toRow(successor) });
        const row = await tx.refreshToken.findUnique({ where: { tokenDigest } });
        return row ? { rotated: count === 1, previous: toRecord(row) } : null;
      }),
    async revokeByGrantId(grantId, at) {
      await db.refreshToken.updateMany({ where: { grantId, revokedAt: null }, data: { revokedAt: toDate(at) } });
    },
  };
}
