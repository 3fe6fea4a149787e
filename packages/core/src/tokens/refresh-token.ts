import { createHmac } from 'node:crypto';
import type { Application } from '../clients/application.js';
import type { ServerContext } from '../server-context.js';
import type { Grant } from '../storage/grant-store.js';
import type { RefreshTokenRecord } from '../storage/refresh-token-store.js';
import { digestToken, randomToken } from './opaque-token.js';

/** A refresh token to hand out once, and the record stored under its digest. */
export interface NewRefreshToken {
  readonly token: string;
  readonly record: RefreshTokenRecord;
}

function recordOf(token: string, application: Application, grant: Grant, familyId: string, now: number): RefreshTokenRecord {
  return {
    tokenDigest: digestToken(token),
    grantId: grant.id,
    familyId,
    applicationId: application.id,
    userId: grant.userId,
    // RFC 6749 §6: the refresh token keeps the scope of the grant, whatever a refresh narrows.
    scopes: grant.scopes,
    issuedAt: now,
    expiresAt: now + application.refreshTokenValiditySeconds,
    rotatedAt: null,
    replacedBy: null,
    revokedAt: null,
  };
}

/** The first refresh token of a grant: a family of its own. */
export function newRefreshToken(context: Pick<ServerContext, 'clock'>, application: Application, grant: Grant): NewRefreshToken {
  const token = randomToken();
  return { token, record: recordOf(token, application, grant, randomToken(16), context.clock.now()) };
}

/**
 * The successor of a refresh token: derived from it with the server secret, so that every
 * concurrent refresh with the same token (in any process) hands out the same successor, and
 * none is ever stored in clear.
 */
export function successorRefreshToken(
  context: Pick<ServerContext, 'clock' | 'settings'>,
  presented: string,
  application: Application,
  grant: Grant,
  previous: RefreshTokenRecord,
): NewRefreshToken {
  const token = createHmac('sha256', context.settings.secretKey).update(`refresh-rotation:${presented}`).digest('base64url');
  return { token, record: recordOf(token, application, { ...grant, scopes: previous.scopes }, previous.familyId, context.clock.now()) };
}
