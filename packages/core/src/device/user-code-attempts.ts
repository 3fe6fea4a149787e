import type { ServerContext } from '../server-context.js';
import { digestToken } from '../tokens/opaque-token.js';

/** RFC 8628 §5.1: user codes are short, so guessing them must be limited. */
export const maxFailedUserCodeEntries = 10;
export const userCodeAttemptWindowSeconds = 600;

/** An attempt that may go ahead; `succeeded` gives its slots back, so only failed entries count. */
export interface UserCodeAttempt {
  readonly allowed: true;
  succeeded(): Promise<void>;
}
export interface UserCodeAttemptsExhausted {
  readonly allowed: false;
  readonly retryAfterSeconds: number;
}

type Context = Pick<ServerContext, 'codes' | 'clock'>;

const slotKey = (subject: string, slot: number) => `device-guess:${digestToken(subject)}:${slot}`;

// Each failed entry holds one of N slots for the window (a sliding window). `add` is atomic, so
// concurrent guesses each need a slot of their own: firing many at once gains nothing.
async function claimSlot(context: Context, subject: string): Promise<string | null> {
  for (let slot = 0; slot < maxFailedUserCodeEntries; slot++) {
    const key = slotKey(subject, slot);
    if (await context.codes.add(key, { at: context.clock.now() }, userCodeAttemptWindowSeconds)) return key;
  }
  return null;
}

/** Seconds until the oldest slot of `subject` frees up. */
async function secondsUntilFree(context: Context, subject: string): Promise<number> {
  const slots = await Promise.all(
    Array.from({ length: maxFailedUserCodeEntries }, (_, slot) => context.codes.find<{ readonly at: number }>(slotKey(subject, slot))),
  );
  const oldest = Math.min(...slots.map((slot) => slot?.at ?? -Infinity));
  return Math.max(1, oldest + userCodeAttemptWindowSeconds - context.clock.now());
}

/**
 * Reserves one user-code entry for every subject (the user, the client address) before the code
 * is looked up; the CodeCache keeps the counts, so every process sees the same ones. Refused once
 * a subject has {@link maxFailedUserCodeEntries} failed entries within the window.
 */
export async function claimUserCodeAttempt(context: Context, subjects: readonly string[]): Promise<UserCodeAttempt | UserCodeAttemptsExhausted> {
  const claimed: string[] = [];
  const release = () => Promise.all(claimed.map((key) => context.codes.delete(key))).then(() => undefined);
  for (const subject of subjects) {
    const key = await claimSlot(context, subject);
    if (key === null) {
      await release();
      return { allowed: false, retryAfterSeconds: await secondsUntilFree(context, subject) };
    }
    claimed.push(key);
  }
  return { allowed: true, succeeded: release };
}
