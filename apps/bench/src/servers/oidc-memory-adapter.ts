import { randomBytes } from 'node:crypto';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * oidc-provider's adapter contract on plain Maps. Its bundled memory adapter is an LRU of 1,000
 * entries: the codes minted before a code-exchange run would be evicted long before they are
 * redeemed. Gatehouse's memory stores are unbounded Maps too, so both sides keep everything.
 */
interface Entry {
  readonly payload: AdapterPayload;
  readonly expiresAt: number;
}

const entries = new Map<string, Entry>();
const byUid = new Map<string, string>();
const byUserCode = new Map<string, string>();
const grantMembers = new Map<string, Set<string>>();
const grantable = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

function live(key: string): AdapterPayload | undefined {
  const entry = entries.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt <= Date.now()) {
    entries.delete(key);
    return undefined;
  }
  return entry.payload;
}

function put(model: string, id: string, payload: AdapterPayload, expiresIn: number | undefined): void {
  const key = `${model}:${id}`;
  entries.set(key, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
  if (model === 'Session' && payload.uid) byUid.set(payload.uid, id);
  if (payload.userCode) byUserCode.set(payload.userCode, id);
  if (grantable.has(model) && payload.grantId) {
    const members = grantMembers.get(payload.grantId) ?? new Set<string>();
    members.add(key);
    grantMembers.set(payload.grantId, members);
  }
}

export class MapAdapter implements Adapter {
  readonly #model: string;

  constructor(model: string) {
    this.#model = model;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    put(this.#model, id, payload, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return live(`${this.#model}:${id}`);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = byUid.get(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = byUserCode.get(userCode);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id: string): Promise<void> {
    const payload = live(`${this.#model}:${id}`);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    entries.delete(`${this.#model}:${id}`);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const key of grantMembers.get(grantId) ?? []) entries.delete(key);
    grantMembers.delete(grantId);
  }
}

/**
 * Copies of a stored authorization code under new ids (opaque codes are their id): identical to
 * the original, which came from the real authorize flow, and each redeemable once. The bench asks
 * for thousands before a code-exchange run; a full interaction per code would take minutes.
 */
export function cloneAuthorizationCode(code: string, count: number): string[] {
  const entry = entries.get(`AuthorizationCode:${code}`);
  if (!entry) throw new Error('unknown authorization code');
  const expiresIn = (entry.expiresAt - Date.now()) / 1000;
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    // The length and alphabet of oidc-provider's own opaque ids (256 bits, base64url).
    const id = randomBytes(32).toString('base64url');
    put('AuthorizationCode', id, { ...entry.payload, jti: id }, expiresIn);
    ids.push(id);
  }
  return ids;
}
