// The provider logger's redaction list: each secret field name is censored at the top of a log
// line and inside the objects log lines carry (audit event contexts, errors, headers, parameters),
// while the fields that say what happened stay readable.
import { Writable } from 'node:stream';
import { providerLogger, redactedLogPaths, secretFieldNames } from '../../src/observability/provider-logger.js';

function capture(): { readonly stream: Writable; readonly lines: () => Record<string, any>[]; readonly text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write: (chunk, _encoding, done) => { chunks.push(String(chunk)); done(); } });
  return { stream, text: () => chunks.join(''), lines: () => chunks.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>) };
}

const secret = (name: string) => `SECRET-${name}-0123456789`;
const everySecret = () => Object.fromEntries(secretFieldNames.map((name) => [name, secret(name)]));

describe('providerLogger redaction', () => {
  it('covers the authorization and cookie headers, passwords, client secrets, codes, verifiers, every token kind, assertions, device and user codes, app passwords', () => {
    for (const name of ['authorization', 'cookie', 'set-cookie', 'password', 'client_secret', 'code', 'code_verifier', 'refresh_token', 'access_token', 'id_token', 'id_token_hint',
      'token', 'assertion', 'client_assertion', 'device_code', 'user_code', 'app_password', 'secretKey', 'private_jwk']) {
      expect(secretFieldNames).toContain(name);
    }
  });

  it.each([
    ['at the top of a line', (values: object) => values],
    ['in an audit event context', (values: object) => ({ event: { action: 'token_issued', context: values } })],
    ['in form parameters', (values: object) => ({ params: values })],
    ['in a request body', (values: object) => ({ body: values })],
    ['in request headers', (values: object) => ({ req: { headers: values } })],
    ['in headers', (values: object) => ({ headers: values })],
    ['in response headers', (values: object) => ({ res: { headers: values } })],
  ])('censors every secret field %s', (_where, place) => {
    const { stream, text, lines } = capture();
    providerLogger('info', stream).info(place(everySecret()), 'something happened');
    for (const name of secretFieldNames) expect(text()).not.toContain(secret(name));
    expect(lines()[0]!['msg']).toBe('something happened');
    expect(text()).toContain('[redacted]');
  });

  it('censors secrets an error carries, and keeps its message', () => {
    const { stream, text, lines } = capture();
    const error = Object.assign(new Error('the backend refused'), { password: secret('password'), cause: Object.assign(new Error('inner'), { token: secret('token') }) });
    providerLogger('info', stream).error({ err: error, requestId: 'r-1' }, 'request failed');
    expect(text()).not.toContain(secret('password'));
    expect(text()).not.toContain(secret('token'));
    expect(lines()[0]).toMatchObject({ requestId: 'r-1', err: { message: expect.stringContaining('the backend refused'), password: '[redacted]' } });
  });

  it('keeps what is not secret: the request line, and flags that only say a token was issued', () => {
    const { stream, lines } = capture();
    const logger = providerLogger('debug', stream);
    const request = { requestId: 'r-2', method: 'POST', endpoint: 'token', status: 200, outcome: 'ok', clientId: 'demo', grantType: 'client_credentials', durationMs: 1.5 };
    logger.info(request, 'request');
    logger.debug({ event: { action: 'token_issued', context: { grantType: 'refresh_token', refreshToken: true } } }, 'token_issued');
    expect(lines()[0]).toMatchObject(request);
    expect(lines()[1]!['event']).toEqual({ action: 'token_issued', context: { grantType: 'refresh_token', refreshToken: true } });
  });

  it('lists explicit paths only (no wildcards: they cost more than a request)', () => {
    expect(redactedLogPaths.length).toBe(secretFieldNames.length * 10);
    expect(redactedLogPaths.filter((path) => path.includes('*'))).toEqual([]);
    expect(redactedLogPaths).toEqual(expect.arrayContaining(['authorization', '["set-cookie"]', 'req.headers.authorization', 'res.headers["set-cookie"]', 'event.context.code', 'params.client_secret']));
  });
});
