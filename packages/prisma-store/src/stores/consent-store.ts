import type { ConsentStore } from '@gatehouse/core';
import { toDate, toOptionalDate, toOptionalSeconds } from '../time.js';
import type { Db } from './db.js';

export function prismaConsentStore(db: Db): ConsentStore {
  return {
    async find(userId, applicationId, now) {
      const row = await db.consent.findFirst({
        where: { userId, applicationId, OR: [{ expiresAt: null }, { expiresAt: { gt: toDate(now) } }] },
      });
      return row ? { ...row, expiresAt: toOptionalSeconds(row.expiresAt) } : null;
    },
    async save(consent) {
      const data = { scopes: [...consent.scopes], expiresAt: toOptionalDate(consent.expiresAt) };
      await db.consent.upsert({
        where: { userId_applicationId: { userId: consent.userId, applicationId: consent.applicationId } },
        create: { userId: consent.userId, applicationId: consent.applicationId, ...data },
        update: data,
      });
    },
  };
}
