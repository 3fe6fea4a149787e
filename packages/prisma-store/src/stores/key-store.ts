import type { KeyRecord, KeyStore } from '@gatehouse/core';
import type { Key as Row } from '../generated/prisma/client.js';
import type { SecretBox } from '../secret-box.js';
import { toDate, toSeconds } from '../time.js';
import type { Db } from './db.js';

function toKey(row: Row, box: SecretBox): KeyRecord {
  return {
    name: row.name,
    alg: row.alg as KeyRecord['alg'],
    use: row.use as KeyRecord['use'],
    kid: row.kid,
    privateJwk: JSON.parse(box.open(row.privateJwkEncrypted)) as KeyRecord['privateJwk'],
    createdAt: toSeconds(row.createdAt),
  };
}

/** Signing and encryption keys; the private JWK is stored encrypted with the server key. */
export function prismaKeyStore(db: Db, box: SecretBox): KeyStore {
  return {
    list: async () => (await db.key.findMany({ orderBy: { createdAt: 'asc' } })).map((row) => toKey(row, box)),
    async findByName(name) {
      const row = await db.key.findUnique({ where: { name } });
      return row ? toKey(row, box) : null;
    },
    async save(key) {
      const row = { alg: key.alg, use: key.use, kid: key.kid, privateJwkEncrypted: box.seal(JSON.stringify(key.privateJwk)), createdAt: toDate(key.createdAt) };
      await db.key.upsert({ where: { name: key.name }, create: { name: key.name, ...row }, update: row });
    },
  };
}
