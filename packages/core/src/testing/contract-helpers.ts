import { randomUUID } from 'node:crypto';

export const unique = (prefix: string): string => `${prefix}-${randomUUID()}`;
export const sleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** How many callers race in the "exactly one wins" cases. */
export const concurrentCalls = 20;
/** Real-time expiry: a 1 s TTL, then a wait that covers whole-second clocks. */
export const realTimeWaitMs = 2100;
