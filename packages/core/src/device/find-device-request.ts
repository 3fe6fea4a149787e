import type { Application } from '../clients/application.js';
import type { ServerContext } from '../server-context.js';
import { deviceKeys, userCodeKey, type DeviceCodeRecord, type DeviceDecision } from './device-code-record.js';
import { normalizeUserCode } from './user-code.js';

/** A device authorization that is still alive, with its application and the user's answer so far. */
export interface DeviceRequest {
  readonly deviceCodeDigest: string;
  readonly record: DeviceCodeRecord;
  readonly application: Application;
  readonly decision: DeviceDecision | null;
}

type Context = Pick<ServerContext, 'codes' | 'stores' | 'clock'>;

/** The unexpired device authorization of a device code digest, or null. */
export async function findDeviceRequest(context: Context, deviceCodeDigest: string): Promise<DeviceRequest | null> {
  const keys = deviceKeys(deviceCodeDigest);
  const record = await context.codes.find<DeviceCodeRecord>(keys.record);
  if (!record || context.clock.now() >= record.expiresAt) return null;
  const application = await context.stores.applications.findByClientId(record.clientId);
  if (!application || application.id !== record.applicationId) return null;
  return { deviceCodeDigest, record, application, decision: await context.codes.find<DeviceDecision>(keys.decision) };
}

/** The device authorization a typed user code stands for (RFC 8628 §3.3), or null when there is none (any more). */
export async function findDeviceRequestByUserCode(context: Context, typed: string): Promise<DeviceRequest | null> {
  const userCode = normalizeUserCode(typed);
  if (userCode === null) return null;
  const index = await context.codes.find<{ readonly deviceCodeDigest: string }>(userCodeKey(userCode));
  return index ? findDeviceRequest(context, index.deviceCodeDigest) : null;
}
