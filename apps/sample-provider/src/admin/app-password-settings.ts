import { z } from 'zod';
import { epochSecondsSchema } from './epoch-seconds.js';

/** An app password as people write it (a seed's `app_passwords` entry, without its token). */
export const appPasswordSettingsSchema = z.object({
  name: z.string().min(1),
  /** Epoch seconds; null for a password that does not expire. */
  expires_at: epochSecondsSchema.positive().nullable().default(null),
});

export type AppPasswordSettings = z.output<typeof appPasswordSettingsSchema>;
export type AppPasswordSettingsInput = z.input<typeof appPasswordSettingsSchema>;
