import { z } from 'zod';
import { applicationSettingsSchema } from './application-settings.js';

const changeable = applicationSettingsSchema.omit({ slug: true, client_secret: true }).shape;
type Changeable = typeof changeable;

/**
 * The settings an update may change, each optional and without a default (a field left out stays
 * as it is). The slug names the application (and its issuer) and never changes; the secret
 * changes only by rotation. Unknown fields are refused.
 */
export const applicationPatchSchema = z.strictObject(
  Object.fromEntries(Object.entries(changeable).map(([name, field]) => [name, (field instanceof z.ZodDefault ? field.unwrap() : field).optional()])) as {
    [K in keyof Changeable]: z.ZodOptional<Changeable[K] extends z.ZodDefault<infer Inner> ? Inner : Changeable[K]>;
  },
);

export type ApplicationPatch = z.input<typeof applicationPatchSchema>;
