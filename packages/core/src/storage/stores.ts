import type { AccessTokenRecordStore } from './access-token-record-store.js';
import type { AppPasswordStore } from './app-password-store.js';
import type { ApplicationStore } from './application-store.js';
import type { ConsentStore } from './consent-store.js';
import type { EventSink } from './event-sink.js';
import type { GrantStore } from './grant-store.js';
import type { KeyStore } from './key-store.js';
import type { RefreshTokenStore } from './refresh-token-store.js';
import type { ScopeMappingStore } from './scope-mapping-store.js';
import type { UserStore } from './user-store.js';

export interface TransactionOptions {
  /** A lock name: units of work holding the same name never overlap. */
  readonly exclusive?: string;
}

/** Every durable port; an adapter package provides all of them (memory, Prisma). */
export interface Stores {
  readonly applications: ApplicationStore;
  readonly users: UserStore;
  readonly appPasswords: AppPasswordStore;
  readonly grants: GrantStore;
  readonly consents: ConsentStore;
  readonly accessTokens: AccessTokenRecordStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly keys: KeyStore;
  readonly events: EventSink;
  /** Scope mappings managed at run time; the server reads them through `reloadScopeMappings`. */
  readonly scopeMappings: ScopeMappingStore;
  /**
   * Runs `work` against stores whose writes all happen or none do (fosite's transactional
   * storage): code-to-token bookkeeping, refresh rotation, seed application. Units of work with
   * the same `exclusive` name run one at a time, across processes where the backend is shared.
   */
  transaction<T>(work: (stores: Stores) => Promise<T>, options?: TransactionOptions): Promise<T>;
}
