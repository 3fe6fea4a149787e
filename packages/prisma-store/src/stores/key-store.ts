import type { KeyRecord, KeyStore } from '@gatehouse/core';
import type { Key as Row } from '../generated/prisma/client.js';
import type { SecretBox } from '../secret-box.js';
import { toDate, toOptionalSeconds, toSeconds } from '../time.js';
import type { Db } from './db.js';

function toKey(row: Row, box: SecretBox): KeyRecord {
  return {
    name: row.name,
    alg: row.alg as KeyRecord['alg'],
    use: row.use as KeyRecord['use'],
    kid: row.kid,
    privateJwk: JSON.parse(box.open(row.privateJwkEncrypted)) as KeyRecord['privateJwk'],
    createdAt: toSeconds(row.createdAt),
    retiredAt: toOptionalSeconds(row.retiredAt),
  };
}

/** Signing and encryption key versions; the private JWK is stored encrypted with the server key. */
export function prismaKeyStore(db: Db, box: SecretBox): KeyStore {
  return {
    list: async () =>
      (await db.key.findMany({ where: { retiredAt: null }, orderBy: { createdAt: 'asc' } })).map((row) => toKey(row, box)),
    findByName: async (name) =>
      (await db.key.findMany({ where: { name, retiredAt: null }, orderBy: { createdAt: 'desc' } })).map((row) => toKey(row, box)),
    async findByKid(kid) {
      const row = await db.key.findUnique({ where: { kid } });
      return row ? toKey(row, box) : null;
    },
    async save(key) {
      const row = {
        name: key.name,
        alg: key.alg,
        use: key.use,
        privateJwkEncrypted: box.seal(JSON.stringify(key.privateJwk)),
        createdAt: toDate(key.createdAt),
        retiredAt: key.retiredAt === null ? null : toDate(key.retiredAt),
      };
      await db.key.upsert({ where: { kid: key.kid }, create: { kid: key.kid, ...row }, update: row });
    },
    async retire(kid, at) {
      await db.key.updateMany({ where: { kid, retiredAt: null }, data: { retiredAt: toDate(at) } });
    },
  };
}
