import { createApplication, type Application } from '../clients/application.js';
import type { Clock } from '../clock.js';
import type { User } from '../users/user.js';

/** A clock that only moves when told to: expiry tests without fake timers or waiting. */
export interface ManualClock extends Clock {
  /** Moves the clock forward by `seconds`. */
  advance(seconds: number): void;
}

/**
 * A {@link ManualClock} starting at `start` (epoch seconds).
 *
 * @example
 * const clock = manualClock();
 * const cache = memoryCodeCache({ clock });
 * clock.advance(61);
 */
export function manualClock(start = 1_700_000_000): ManualClock {
  let now = start;
  return {
    now: () => now,
    advance: (seconds) => {
      now += seconds;
    },
  };
}

/**
 * A confidential application with authentik's defaults, for tests; `overrides` replace fields.
 *
 * @example
 * const spa = makeApplication({ id: 'spa', clientId: 'spa', clientType: 'public', clientSecretDigest: null });
 */
export function makeApplication(overrides: Partial<Application> = {}): Application {
  return createApplication({
    id: 'app-1',
    slug: 'app-one',
    name: 'App One',
    clientId: 'client-1',
    redirectUris: [{ matchingMode: 'strict', url: 'https://app.example.com/callback', type: 'authorization' }],
    consentDurationSeconds: 3600,
    accessTokenValiditySeconds: 600,
    ...overrides,
  });
}

/**
 * An active user, for tests; `overrides` replace fields.
 *
 * @example
 * const bob = makeUser({ id: '2', username: 'bob', email: null });
 */
export function makeUser(overrides: Partial<User> = {}): User {
  return {
    id: '1',
    uuid: '6f1c3b1e-8d2a-4c55-9a57-2f0e6c1d4b7a',
    username: 'alice',
    name: 'Alice Example',
    email: 'alice@example.com',
    emailVerified: true,
    groups: [],
    attributes: {},
    isActive: true,
    ...overrides,
  };
}
