/** The source of time, injected so expiry is testable without fake timers. */
export interface Clock {
  /** Current time in whole seconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Math.floor(Date.now() / 1000) };
