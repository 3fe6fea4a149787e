// The README's management API example, against the bundled demo seed: a token for the demo user
// with the password grant and their app password, then a call to the API.
import { fileURLToPath } from 'node:url';
import { readSeedFile } from '../../src/seed/apply-seed.js';
import { startProvider, type RunningProvider } from '../provider-harness.js';

let provider: RunningProvider;
beforeAll(async () => {
  provider = await startProvider(await readSeedFile(fileURLToPath(new URL('../../seed/demo.yaml', import.meta.url))));
});
afterAll(() => provider.close());

it('gives the demo user a gatehouse:api token that lists the users', async () => {
  // curl -s http://localhost:9000/application/o/token/ -d grant_type=password -d client_id=demo \
  //   -d username=demo -d password=demo-app-password-0123456789 -d scope=gatehouse:api
  const token = await fetch(`${provider.baseUrl}/application/o/token/`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'demo', username: 'demo', password: 'demo-app-password-0123456789', scope: 'gatehouse:api' }),
  });
  expect(token.status).toBe(200);
  const { access_token: accessToken, scope } = (await token.json()) as { access_token: string; scope: string };
  expect(scope).toBe('gatehouse:api');
  // curl -s http://localhost:9000/api/v1/users -H "Authorization: Bearer $TOKEN"
  const users = await fetch(`${provider.baseUrl}/api/v1/users`, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(users.status).toBe(200);
  expect(await users.json()).toMatchObject({ items: [{ username: 'demo', groups: expect.arrayContaining(['admins', 'staff']) }], next_cursor: null });
});
