import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';

/**
 * Field names whose values are secrets: credentials, codes and tokens as the protocol names them
 * (RFC 6749, 7009, 7521, 7523, 7636, 8628, 8693, OIDC), as the code names them, and the headers
 * that carry them. A log call that passes one of them by mistake logs `[redacted]` instead.
 */
export const secretFieldNames: readonly string[] = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'passwordHash',
  'client_secret',
  'clientSecret',
  'hmacSecret',
  'code',
  'code_verifier',
  'codeVerifier',
  'refresh_token',
  'refreshToken',
  'access_token',
  'accessToken',
  'id_token',
  'idToken',
  'id_token_hint',
  'logout_token',
  'token',
  'assertion',
  'client_assertion',
  'clientAssertion',
  'subject_token',
  'actor_token',
  'device_code',
  'deviceCode',
  'user_code',
  'userCode',
  'app_password',
  'appPassword',
  'secret',
  'secretKey',
  'private_jwk',
  'privateJwk',
];

/**
 * Where those names are looked for: at the top of a log line and in the objects log lines carry
 * (audit event contexts, errors, request and response headers, parameters). Explicit paths only:
 * pino's wildcard paths cost 5 µs per path and line, more than a token request's own work.
 */
const containers = ['', 'event.context', 'err', 'err.cause', 'params', 'body', 'query', 'headers', 'req.headers', 'res.headers'];
const segment = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `["${name}"]`);
export const redactedLogPaths: readonly string[] = containers.flatMap((container) =>
  secretFieldNames.map((name) => `${container}${segment(name)}`.replace(/^\./, '')),
);

// A flag such as an audit event's `refreshToken: true` says that one was issued, not what it is.
const censor = (value: unknown): unknown => (typeof value === 'boolean' ? value : '[redacted]');

/**
 * The reference provider's pino logger: JSON lines at `level` (LOG_LEVEL) to stdout or
 * `destination`, with `redactedLogPaths` censored.
 *
 * @example
 * const logger = providerLogger('info');
 * logger.info({ client_secret: 's3cret', clientId: 'demo' }, 'hello'); // "client_secret":"[redacted]"
 */
export function providerLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: [...redactedLogPaths], censor } };
  return destination ? pino(options, destination) : pino(options);
}
