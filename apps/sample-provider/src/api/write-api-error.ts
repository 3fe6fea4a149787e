import type { Response } from 'express';
import { z } from 'zod';
import type { ApiError } from './api-error.js';

/** Every refusal of the management API, as in the rest of Gatehouse, plus the fields at fault for invalid input. */
export const apiErrorSchema = z.object({
  error: z.string().describe('invalid_request, invalid_token, insufficient_scope, access_denied, not_found, conflict, ...'),
  error_description: z.string(),
  request_id: z.string().describe('Also the X-Request-Id header; the server logs carry it.'),
  issues: z
    .array(z.object({ path: z.string().describe('body.redirect_uris.0.url, query.limit, ...'), message: z.string() }))
    .optional()
    .describe('For invalid input: each wrong field.'),
});

/** Writes `error` as the JSON body of the response, never cached. */
export function writeApiError(res: Response, error: ApiError, requestId: string): void {
  res
    .status(error.status)
    .set({ 'Cache-Control': 'no-store', ...error.headers })
    .json({
      error: error.code,
      error_description: error.message,
      request_id: requestId,
      ...(error.issues.length > 0 ? { issues: [...error.issues] } : {}),
    } satisfies z.input<typeof apiErrorSchema>);
}
