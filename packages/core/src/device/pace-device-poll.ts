import { OAuthError } from '../errors/oauth-error.js';
import type { ServerContext } from '../server-context.js';
import { deviceKeys, type DeviceCodeRecord } from './device-code-record.js';

/** RFC 8628 §3.5: every `slow_down` adds this many seconds to the interval, for good. */
const slowDownStepSeconds = 5;

/**
 * Paces the polls of a pending device code (RFC 8628 §3.5). A poll is on time when no pace entry
 * exists; it then leaves one that lives for the interval. `add` is atomic, so of concurrent polls
 * only one is on time. A poll that comes too early gets `slow_down`, the interval of this device
 * code grows by 5 s, and the wait starts again from this poll, as the device will count it.
 */
export async function paceDevicePoll(context: Pick<ServerContext, 'codes' | 'clock'>, digest: string, record: DeviceCodeRecord): Promise<void> {
  const keys = deviceKeys(digest);
  const remaining = Math.max(1, record.expiresAt - context.clock.now());
  const interval = (await context.codes.find<{ readonly interval: number }>(keys.interval))?.interval ?? record.interval;
  if (await context.codes.add(keys.pace, { interval }, interval)) return;
  const slower = interval + slowDownStepSeconds;
  await context.codes.put(keys.interval, { interval: slower }, remaining);
  await context.codes.put(keys.pace, { interval: slower }, slower);
  // The grown interval is also sent as Retry-After, which clients such as openid-client honour.
  throw new OAuthError('slow_down', `polling too fast: wait at least ${slower} seconds between requests`, { retryAfterSeconds: slower });
}
