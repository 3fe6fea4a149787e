import type { Application } from '../clients/application.js';
import type { Scheduler } from '../scheduler.js';
import type { ServerContext } from '../server-context.js';
import { createLogoutToken, type LogoutSubject } from './logout-token.js';

/** One relying party to tell that a session ended. */
export interface BackchannelLogoutNotice extends LogoutSubject {
  readonly application: Application & { readonly backchannelLogoutUri: string };
  /** The request that ended the session, for the audit trail. */
  readonly requestId: string;
}

/** Delivers logout tokens in the background (Back-Channel Logout 1.0 §2.5). */
export interface BackchannelLogout {
  /** Queues the notice and returns at once: the user's logout never waits for relying parties. */
  notify(notice: BackchannelLogoutNotice): void;
  /** Resolves once every queued notice was delivered or given up (tests, graceful shutdown). */
  settled(): Promise<void>;
}

type Context = Pick<ServerContext, 'keys' | 'clock' | 'settings' | 'stores'>;

type Attempt = { readonly delivered: true; readonly status: number } | { readonly delivered: false; readonly reason: string; readonly retry: boolean };

/** POSTs one fresh logout token (§2.5) and classifies the answer. */
async function deliver(context: Context, notice: BackchannelLogoutNotice): Promise<Attempt> {
  let token: string;
  try {
    token = await createLogoutToken(context, notice.application, notice);
  } catch (error) {
    return { delivered: false, reason: `cannot create the logout token: ${String(error)}`, retry: false };
  }
  try {
    const response = await fetch(notice.application.backchannelLogoutUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: token }).toString(),
      // A redirect would turn the POST into a GET without the token: it counts as a failure.
      redirect: 'manual',
      signal: AbortSignal.timeout(context.settings.backchannelLogoutTimeoutSeconds * 1000),
    });
    await response.body?.cancel().catch(() => undefined);
    // §2.8: 200 on success; frameworks may answer 204, which the OP should accept too.
    if (response.status >= 200 && response.status < 300) return { delivered: true, status: response.status };
    // §2.8: 400 means the relying party refused the token; only its trouble is worth a retry.
    const retry = response.status >= 500 || response.status === 408 || response.status === 429;
    return { delivered: false, reason: `HTTP ${response.status}`, retry };
  } catch (error) {
    return { delivered: false, reason: error instanceof Error ? error.message : String(error), retry: true };
  }
}

/**
 * The back-channel logout queue of a server: each notice is delivered with up to
 * `backchannelLogoutAttempts` tries, retries waiting `backchannelLogoutRetrySeconds`, then twice
 * as long each time. Every outcome is an audit event: `backchannel_logout_sent`, or
 * `backchannel_logout_failed` once it is given up.
 */
export function createBackchannelLogout(context: Context, scheduler: Scheduler): BackchannelLogout {
  let pending = 0;
  let waiters: (() => void)[] = [];
  const finish = () => {
    pending--;
    if (pending > 0) return;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };
  // Recording must not turn into an unhandled rejection of a background task.
  const record = (notice: BackchannelLogoutNotice, action: string, details: Record<string, unknown>) =>
    context.stores.events
      .record({
        action,
        at: context.clock.now(),
        applicationId: notice.application.id,
        requestId: notice.requestId,
        context: { uri: notice.application.backchannelLogoutUri, ...(notice.sid !== null ? { sid: notice.sid } : {}), ...details },
      })
      .catch(() => undefined);

  const run = async (notice: BackchannelLogoutNotice, attempt: number): Promise<void> => {
    const result = await deliver(context, notice);
    if (result.delivered) {
      await record(notice, 'backchannel_logout_sent', { attempts: attempt, status: result.status });
      return finish();
    }
    if (result.retry && attempt < context.settings.backchannelLogoutAttempts) {
      const delay = context.settings.backchannelLogoutRetrySeconds * 2 ** (attempt - 1);
      return scheduler.schedule(delay, () => void run(notice, attempt + 1));
    }
    await record(notice, 'backchannel_logout_failed', { attempts: attempt, reason: result.reason });
    finish();
  };

  return {
    notify(notice) {
      pending++;
      scheduler.schedule(0, () => void run(notice, 1));
    },
    settled: () => (pending === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}
