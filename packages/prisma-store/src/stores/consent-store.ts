import type { Consent, ConsentStore } from '@gatehouse/core';
import type { Consent as Row } from '../generated/prisma/client.js';
import { toDate, toOptionalDate, toOptionalSeconds } from '../time.js';
import type { Db } from './db.js';

function toConsent(row: Row): Consent {
  return { ...row, expiresAt: toOptionalSeconds(row.expiresAt) };
}

export function prismaConsentStore(db: Db): ConsentStore {
  return {
    async find(userId, applicationId, now) {
      const row = await db.consent.findFirst({
        where: { userId, applicationId, OR: [{ expiresAt: null }, { expiresAt: { gt: toDate(now) } }] },
      });
      return row ? toConsent(row) : null;
    },
    async save(consent) {
      const data = { scopes: [...consent.scopes], expiresAt: toOptionalDate(consent.expiresAt) };
      await db.consent.upsert({
        where: { userId_applicationId: { userId: consent.userId, applicationId: consent.applicationId } },
        create: { userId: consent.userId, applicationId: consent.applicationId, ...data },
        update: data,
      });
    },
    async listByUser(userId, now) {
      const rows = await db.consent.findMany({ where: { userId, OR: [{ expiresAt: null }, { expiresAt: { gt: toDate(now) } }] } });
      return rows.map(toConsent);
    },
    async delete(userId, applicationId) {
      const { count } = await db.consent.deleteMany({ where: { userId, applicationId } });
      return count > 0;
    },
  };
}
