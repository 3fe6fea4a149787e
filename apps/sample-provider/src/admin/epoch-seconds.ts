import { z } from 'zod';

/**
 * A time as epoch seconds that a database timestamp can hold (before the year 10000): larger
 * numbers are valid JSON but no date, and must be refused as input, not fail in the store.
 */
export const epochSecondsSchema = z.int().min(0).max(253_402_300_799);
