// Bad input at the reference provider's own pages and at the HTTP layer (issue 8): what
// express.urlencoded refuses on /login and /logout is a 4xx page, not the error handler's 500, and
// what Node's HTTP parser refuses gets the JSON error body with a request id.
import { connect } from 'node:net';
import { person, seed } from './e2e.fixtures.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

let provider: RunningProvider;
beforeAll(async () => {
  provider = await startProvider(seed);
});
afterAll(() => provider.close());

/** A CSRF cookie and the matching form field (double submit: any well-formed token works). */
const csrf = 'badinputbadinputbadinputbadinputbadinputbad';
const csrfCookie = `gatehouse-csrf=${csrf}`;

function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${provider.baseUrl}${path}`, { method: 'POST', body, redirect: 'manual', headers: { cookie: csrfCookie, ...headers } });
}
const form = { 'content-type': 'application/x-www-form-urlencoded' };

async function expectPage(res: Response, status: number, text: string): Promise<void> {
  const html = await res.text();
  expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({ status, type: 'text/html; charset=utf-8' });
  expect(html).toContain(text);
  expect(html).not.toMatch(/\bat .*:\d+:\d+|node_modules|Error:/);
}

const unreadable = 'The form could not be read. Please try again.';

describe.each(['/login', '/logout'])('POST %s', (path) => {
  it('answers a form over 8 KiB with a 413 page', async () => {
    await expectPage(await post(path, `csrf_token=${csrf}&username=${'a'.repeat(9000)}`, form), 413, unreadable);
  });

  it('answers a form in another charset with a 415 page', async () => {
    await expectPage(await post(path, `csrf_token=${csrf}`, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-16' }), 415, unreadable);
  });

  it('answers more than 50 fields with a 413 page', async () => {
    await expectPage(await post(path, Array.from({ length: 60 }, (_, i) => `f${i}=x`).join('&'), form), 413, unreadable);
  });

  it.each([
    ['a repeated field (an array to the parser)', `csrf_token=${csrf}&csrf_token=${csrf}&username=alice&decision=allow`],
    ['a NUL in a field', `csrf_token=${csrf}&username=al%00ice&decision=al%00low`],
  ])('answers %s with a 400 page', async (_name, body) => {
    await expectPage(await post(path, body, form), 400, unreadable);
  });
});

it.each([
  ['no body and no content type', ''],
  ['a body of another type', '{"username":"alice"}'],
])('answers a login with %s as an expired form (400), not a 500', async (_name, body) => {
  const res = await post('/login', body, body ? { 'content-type': 'application/json' } : {});
  await expectPage(res, 400, 'The form expired. Please sign in again.');
});

it('still signs in with a well-formed form', async () => {
  const res = await post('/login', new URLSearchParams({ ...person, csrf_token: csrf, next: '/' }).toString(), form);
  expect(res.status).toBe(303);
});

/** Sends raw bytes and reads the raw answer until the server closes the connection. */
function raw(request: Buffer | string): Promise<string> {
  const { port } = new URL(provider.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

function parseAnswer(answer: string): { status: number; headers: Record<string, string>; body: string } {
  const [head, body = ''] = answer.split('\r\n\r\n');
  const [statusLine, ...lines] = head!.split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine!.split(' ')[1]), headers, body };
}

describe("what Node's HTTP parser refuses", () => {
  it.each([
    ['bytes outside ASCII in the request target', Buffer.concat([Buffer.from('GET /application/o/token/?a='), Buffer.from([0xff, 0xfe]), Buffer.from(' HTTP/1.1\r\nhost: x\r\n\r\n')]), 400, 'the HTTP request is malformed'],
    ['a header line without a colon', 'GET / HTTP/1.1\r\nhost: x\r\nbroken header\r\n\r\n', 400, 'the HTTP request is malformed'],
    ['a NUL in a header value', 'GET / HTTP/1.1\r\nhost: x\r\nx-a: a\u0000b\r\n\r\n', 400, 'the HTTP request is malformed'],
    ['headers over 16 KiB', `GET /application/o/userinfo/ HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'the request headers are too large'],
  ])('answers %s with the JSON error body and a request id', async (_name, request, status, description) => {
    const answer = parseAnswer(await raw(request));
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['connection']).toBe('close');
    expect(JSON.parse(answer.body)).toEqual({ error: 'invalid_request', error_description: description, request_id: answer.headers['x-request-id'] });
  });
});
