/**
 * The CodeCache contract (DESIGN §4, CONVENTIONS 5-6): every single-use cache (memory, Redis)
 * runs it against its real backend, as Hydra's `TestHelperRunner` does. Each test gets a fresh
 * adapter from the factory and keys of its own, so a backend shared between tests still works.
 *
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { CodeCache } from '../storage/code-cache.js';
import { concurrentCalls, realTimeWaitMs, sleep, unique } from './contract-helpers.js';
import type { ManualClock } from './fixtures.js';

/** What {@link describeCodeCache} needs for one test. */
export interface CodeCacheFixture {
  readonly cache: CodeCache;
  /** The clock the cache reads, when it takes one; without it, expiry is tested by waiting. */
  readonly clock?: ManualClock;
  /** Releases connections; called after each test. */
  readonly close?: () => Promise<void>;
}

/**
 * Registers the CodeCache contract: JSON round trip, expiry, single use under concurrency, delete.
 *
 * @example
 * describeCodeCache('memoryCodeCache', async () => {
 *   const clock = manualClock();
 *   return { cache: memoryCodeCache({ clock }), clock };
 * });
 */
export function describeCodeCache(name: string, makeCache: () => Promise<CodeCacheFixture>): void {
  describe(`${name}: CodeCache contract`, () => {
    let fixture: CodeCacheFixture;
    beforeEach(async () => {
      fixture = await makeCache();
    });
    afterEach(async () => {
      await fixture.close?.();
    });

    const payload = {
      applicationId: 'app-1',
      scopes: ['openid', 'email'],
      nonce: null,
      authTime: 1_700_000_000,
      pkce: { codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', codeChallengeMethod: 'S256' },
      claims: { name: 'Zoë «quoted» "name"', emailVerified: true, age: 42.5 },
    };

    it('finds what was put, as the same JSON', async () => {
      const key = unique('code');
      await fixture.cache.put(key, payload, 60);
      expect(await fixture.cache.find(key)).toEqual(payload);
    });

    it('stores a copy: changing the object after put does not change the entry', async () => {
      const key = unique('code');
      const value = { scopes: ['openid'] };
      await fixture.cache.put(key, value, 60);
      value.scopes.push('admin');
      expect(await fixture.cache.find(key)).toEqual({ scopes: ['openid'] });
    });

    it('answers null for a key never put', async () => {
      expect(await fixture.cache.find(unique('missing'))).toBeNull();
      expect(await fixture.cache.consume(unique('missing'))).toBeNull();
    });

    it('keeps entries apart: consuming one key leaves another untouched', async () => {
      const [first, second] = [unique('code'), unique('code')];
      await fixture.cache.put(first, { n: 1 }, 60);
      await fixture.cache.put(second, { n: 2 }, 60);
      await fixture.cache.consume(first);
      expect(await fixture.cache.consume(second)).toEqual({ value: { n: 2 }, alreadyConsumed: false });
    });

    it('forgets an entry once its TTL has elapsed', async () => {
      const key = unique('code');
      const { clock } = fixture;
      if (clock) {
        await fixture.cache.put(key, payload, 60);
        clock.advance(59);
        expect(await fixture.cache.find(key)).toEqual(payload);
        clock.advance(1);
      } else {
        await fixture.cache.put(key, payload, 1);
        await sleep(realTimeWaitMs);
      }
      expect(await fixture.cache.find(key)).toBeNull();
      expect(await fixture.cache.consume(key)).toBeNull();
    }, 10_000);

    it('forgets an expired entry even after it was consumed', async () => {
      const key = unique('code');
      const { clock } = fixture;
      await fixture.cache.put(key, payload, clock ? 60 : 1);
      await fixture.cache.consume(key);
      if (clock) clock.advance(60);
      else await sleep(realTimeWaitMs);
      expect(await fixture.cache.consume(key)).toBeNull();
    }, 10_000);

    it('consumes once: the first consume is fresh, the next ones are replays with the same value', async () => {
      const key = unique('code');
      await fixture.cache.put(key, payload, 60);
      expect(await fixture.cache.consume(key)).toEqual({ value: payload, alreadyConsumed: false });
      expect(await fixture.cache.consume(key)).toEqual({ value: payload, alreadyConsumed: true });
      expect(await fixture.cache.consume(key)).toEqual({ value: payload, alreadyConsumed: true });
    });

    it(`lets exactly one of ${concurrentCalls} concurrent consumes win`, async () => {
      const key = unique('code');
      await fixture.cache.put(key, payload, 60);
      const results = await Promise.all(
        Array.from({ length: concurrentCalls }, () => fixture.cache.consume<typeof payload>(key)),
      );
      expect(results.filter((result) => result?.alreadyConsumed === false)).toHaveLength(1);
      expect(results.filter((result) => result?.alreadyConsumed === true)).toHaveLength(concurrentCalls - 1);
      for (const result of results) expect(result?.value).toEqual(payload);
    });

    it(`adds an absent key for exactly one of ${concurrentCalls} concurrent callers, and not over a live entry`, async () => {
      const key = unique('jti');
      const results = await Promise.all(Array.from({ length: concurrentCalls }, (_, i) => fixture.cache.add(key, { caller: i }, 60)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await fixture.cache.find(key)).toEqual({ caller: winner });
      expect(await fixture.cache.add(key, { caller: 'late' }, 60)).toBe(false);
    });

    it('adds again once the earlier entry has expired', async () => {
      const key = unique('jti');
      expect(await fixture.cache.add(key, 1, 1)).toBe(true);
      if (fixture.clock) fixture.clock.advance(2);
      else await sleep(realTimeWaitMs);
      expect(await fixture.cache.add(key, 2, 60)).toBe(true);
      expect(await fixture.cache.find(key)).toBe(2);
    });

    it('deletes an entry, and deleting an absent key is not an error', async () => {
      const key = unique('code');
      await fixture.cache.put(key, payload, 60);
      await fixture.cache.delete(key);
      expect(await fixture.cache.find(key)).toBeNull();
      expect(await fixture.cache.consume(key)).toBeNull();
      await fixture.cache.delete(unique('missing'));
    });
  });
}
