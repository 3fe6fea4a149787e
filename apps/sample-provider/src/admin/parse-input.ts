import { z } from 'zod';
import { AdminError } from './admin-error.js';

/**
 * The input checked against `schema`, or an AdminError (`invalid_input`) whose message names each
 * wrong field on one line: `client_id: Invalid input; scopes.0: Too small`.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw new AdminError('invalid_input', issues.map(({ path, message }) => (path ? `${path}: ${message}` : message)).join('; '), issues);
}
