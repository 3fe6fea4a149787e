import { memoryCodeCache } from '../storage/memory/memory-code-cache.js';
import { manualClock } from '../testing/fixtures.js';
import { claimUserCodeAttempt } from './user-code-attempts.js';

function setup() {
  const clock = manualClock();
  return { clock, context: { clock, codes: memoryCodeCache({ clock }) } };
}

describe('claimUserCodeAttempt', () => {
  it('allows 10 failed entries per subject within 10 minutes, then says when the oldest frees up', async () => {
    const { clock, context } = setup();
    for (let i = 0; i < 10; i++) {
      expect(await claimUserCodeAttempt(context, ['user:a'])).toMatchObject({ allowed: true });
      clock.advance(10);
    }
    expect(await claimUserCodeAttempt(context, ['user:a'])).toEqual({ allowed: false, retryAfterSeconds: 500 });
    clock.advance(500);
    expect(await claimUserCodeAttempt(context, ['user:a'])).toMatchObject({ allowed: true });
  });

  it('gives the slots back when the entry succeeded', async () => {
    const { context } = setup();
    for (let i = 0; i < 25; i++) {
      const attempt = await claimUserCodeAttempt(context, ['user:a', 'ip:1']);
      if (!attempt.allowed) throw new Error('refused');
      await attempt.succeeded();
    }
  });

  it('refuses when any subject is exhausted, without using up the others', async () => {
    const { context } = setup();
    for (let i = 0; i < 10; i++) await claimUserCodeAttempt(context, ['ip:1']);
    for (let i = 0; i < 5; i++) expect((await claimUserCodeAttempt(context, ['user:b', 'ip:1'])).allowed).toBe(false);
    for (let i = 0; i < 10; i++) expect((await claimUserCodeAttempt(context, ['user:b', 'ip:2'])).allowed).toBe(true);
  });

  it('gives each of many concurrent attempts a slot of its own', async () => {
    const { context } = setup();
    const results = await Promise.all(Array.from({ length: 30 }, () => claimUserCodeAttempt(context, ['user:a'])));
    expect(results.filter((result) => result.allowed)).toHaveLength(10);
  });
});
