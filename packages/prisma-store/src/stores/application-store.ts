import type { Application, ApplicationStore, RedirectUri } from '@gatehouse/core';
import { batchedLookup } from '../batch.js';
import { Prisma, type Application as Row } from '../generated/prisma/client.js';
import type { SecretBox } from '../secret-box.js';
import { toDate } from '../time.js';
import type { Db } from './db.js';

function toApplication(row: Row, box: SecretBox): Application {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    clientId: row.clientId,
    clientType: row.clientType as Application['clientType'],
    tokenEndpointAuthMethod: row.tokenEndpointAuthMethod as Application['tokenEndpointAuthMethod'],
    clientSecretDigest: row.clientSecretDigest,
    hmacSecret: row.hmacSecretEncrypted === null ? null : box.open(row.hmacSecretEncrypted),
    redirectUris: row.redirectUris as unknown as RedirectUri[],
    scopes: row.scopes,
    signingKey: row.signingKey,
    encryptionKey: row.encryptionKey,
    subMode: row.subMode as Application['subMode'],
    issuerMode: row.issuerMode as Application['issuerMode'],
    includeClaimsInIdToken: row.includeClaimsInIdToken,
    consent: row.consent as Application['consent'],
    consentDurationSeconds: row.consentDurationSeconds,
    accessCodeValiditySeconds: row.accessCodeValiditySeconds,
    accessTokenValiditySeconds: row.accessTokenValiditySeconds,
    refreshTokenValiditySeconds: row.refreshTokenValiditySeconds,
    deviceCodeValiditySeconds: row.deviceCodeValiditySeconds,
    allowedGroups: row.allowedGroups,
    refreshTokenThresholdSeconds: row.refreshTokenThresholdSeconds,
    jwks: row.jwks as Application['jwks'],
    jwksUri: row.jwksUri,
    jwtFederationSources: row.jwtFederationSources as unknown as Application['jwtFederationSources'],
    jwtFederationProviders: row.jwtFederationProviders,
    backchannelLogoutUri: row.backchannelLogoutUri,
  };
}

function toRow(application: Application, box: SecretBox) {
  const { hmacSecret, redirectUris, scopes, allowedGroups, jwks, jwtFederationSources, jwtFederationProviders, ...rest } = application;
  return {
    ...rest,
    hmacSecretEncrypted: hmacSecret === null ? null : box.seal(hmacSecret),
    redirectUris: redirectUris as unknown as object[],
    scopes: [...scopes],
    allowedGroups: [...allowedGroups],
    jwks: jwks === null ? Prisma.JsonNull : (jwks as unknown as Prisma.InputJsonObject),
    jwtFederationSources: jwtFederationSources as unknown as Prisma.InputJsonArray,
    jwtFederationProviders: [...jwtFederationProviders],
  };
}

/**
 * Applications by id, slug or client id. With `batchReads` (outside transactions) concurrent
 * `findByClientId` calls, which every token, introspection and revocation request makes when its
 * cached copy was dropped, share one query.
 */
export function prismaApplicationStore(db: Db, box: SecretBox, { batchReads }: { readonly batchReads: boolean }): ApplicationStore {
  const find = async (where: { clientId: string } | { slug: string } | { id: string }) => {
    const row = await db.application.findUnique({ where: where as { id: string } });
    return row ? toApplication(row, box) : null;
  };
  const byClientId = batchReads
    ? batchedLookup((clientIds) => db.application.findMany({ where: { clientId: { in: [...clientIds] } } }), (row) => row.clientId)
    : (clientId: string) => db.application.findUnique({ where: { clientId } });
  return {
    async findByClientId(clientId) {
      const row = await byClientId(clientId);
      return row ? toApplication(row, box) : null;
    },
    findBySlug: (slug) => find({ slug }),
    findById: (id) => find({ id }),
    async list() {
      const rows = await db.application.findMany({ orderBy: { id: 'asc' } });
      return rows.map((row) => toApplication(row, box));
    },
    async save(application) {
      const row = toRow(application, box);
      await db.application.upsert({ where: { id: application.id }, create: row, update: row });
    },
    async registerRedirectUri(applicationId, url) {
      const entry = JSON.stringify([{ matchingMode: 'strict', url, type: 'authorization' }]);
      // One conditional UPDATE: the row lock makes a concurrent first use see the winner's URI.
      await db.$executeRaw`UPDATE "applications" SET "redirect_uris" = "redirect_uris" || ${entry}::jsonb, "updated_at" = now()
        WHERE "id" = ${applicationId} AND NOT EXISTS (
          SELECT 1 FROM jsonb_array_elements("redirect_uris") AS uri WHERE uri->>'type' = 'authorization')`;
      const application = await find({ id: applicationId });
      if (!application) throw new Error(`unknown application ${applicationId}`);
      return application;
    },
    async delete(id, at) {
      const revokedAt = toDate(at);
      // One statement, so all or nothing inside a unit of work and outside one alike.
      const deleted = await db.$executeRaw`WITH
          "grants_revoked" AS (UPDATE "grants" SET "revoked_at" = ${revokedAt} WHERE "application_id" = ${id} AND "revoked_at" IS NULL),
          "access_revoked" AS (UPDATE "access_tokens" SET "revoked_at" = ${revokedAt} WHERE "application_id" = ${id} AND "revoked_at" IS NULL),
          "refresh_revoked" AS (UPDATE "refresh_tokens" SET "revoked_at" = ${revokedAt} WHERE "application_id" = ${id} AND "revoked_at" IS NULL),
          "consents_deleted" AS (DELETE FROM "consents" WHERE "application_id" = ${id})
        DELETE FROM "applications" WHERE "id" = ${id}`;
      return deleted > 0;
    },
  };
}
