/** Why an admin operation refused: the management API answers 404, 409 or 400 for these. */
export type AdminErrorCode = 'not_found' | 'conflict' | 'invalid_input';

/**
 * A refusal of an admin operation with a message fit to show as is (CLI line, API
 * `error_description`); `issues` name the fields of invalid input.
 *
 * @example
 * throw new AdminError('not_found', 'no application with slug demo');
 */
export class AdminError extends Error {
  override readonly name = 'AdminError';
  readonly code: AdminErrorCode;
  readonly issues: readonly { readonly path: string; readonly message: string }[];

  constructor(code: AdminErrorCode, message: string, issues: AdminError['issues'] = []) {
    super(message);
    this.code = code;
    this.issues = issues;
  }
}
