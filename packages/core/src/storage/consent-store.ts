/** A remembered consent decision of a user for an application. */
export interface Consent {
  readonly userId: string;
  readonly applicationId: string;
  readonly scopes: readonly string[];
  /** Epoch seconds; null for consent that does not expire. */
  readonly expiresAt: number | null;
}

export interface ConsentStore {
  /** The consent, or null when there is none or it has expired at `now`. */
  find(userId: string, applicationId: string, now: number): Promise<Consent | null>;
  /** Replaces any earlier consent of the same user for the same application. */
  save(consent: Consent): Promise<void>;
  /** The consents of a user that have not expired at `now`, in no particular order. */
  listByUser(userId: string, now: number): Promise<Consent[]>;
  /** Forgets the consent, so the next authorization asks again; false when there was none. */
  delete(userId: string, applicationId: string): Promise<boolean>;
}
