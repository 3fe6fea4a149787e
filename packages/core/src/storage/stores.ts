import type { AccessTokenRecordStore } from './access-token-record-store.js';
import type { ApplicationStore } from './application-store.js';
import type { ConsentStore } from './consent-store.js';
import type { EventSink } from './event-sink.js';
import type { GrantStore } from './grant-store.js';
import type { KeyStore } from './key-store.js';
import type { UserStore } from './user-store.js';

/** Every durable port; an adapter package provides all of them (memory, Prisma). */
export interface Stores {
  readonly applications: ApplicationStore;
  readonly users: UserStore;
  readonly grants: GrantStore;
  readonly consents: ConsentStore;
  readonly accessTokens: AccessTokenRecordStore;
  readonly keys: KeyStore;
  readonly events: EventSink;
}
