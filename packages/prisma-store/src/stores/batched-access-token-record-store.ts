import type { AccessTokenRecordStore } from '@gatehouse/core';
import { batchedLookup, batching } from '../batch.js';
import { isDatabaseUnavailable } from '../database-unavailable.js';
import type { Db } from './db.js';
import { aliveAccessToken, insertAccessTokens, prismaAccessTokenRecordStore, refuseTaken, selectAccessTokens } from './access-token-record-store.js';

/**
 * Access token records outside transactions, with the hot calls batched (group commit): the
 * `create` calls of concurrent requests are written by one multi-row INSERT and each resolves once
 * it committed, so no token is handed out before its record exists; the `find` calls share one
 * `jti = ANY(...)` read.
 */
export function batchedAccessTokenRecordStore(db: Db): AccessTokenRecordStore {
  const single = prismaAccessTokenRecordStore(db);
  const lookup = batchedLookup((jtis) => selectAccessTokens(db, jtis), (row) => row.jti);
  return {
    ...single,
    create: batching(async (records) => {
      let written: Set<string>;
      try {
        written = await insertAccessTokens(db, records);
      } catch (error) {
        // An outage fails the whole batch. Any other refusal wrote nothing either (one statement is
        // all or nothing): each record is then tried alone, so that only the caller it concerns fails.
        if (records.length === 1 || isDatabaseUnavailable(error)) throw error;
        return records.map((record) => single.create(record));
      }
      // A jti taken before, or twice in this batch, was written at most once: the others are refused.
      return records.map((record) => (written.delete(record.jti) ? undefined : refuseTaken(db, record)));
    }),
    find: async (jti, now) => aliveAccessToken(await lookup(jti), now),
  };
}
