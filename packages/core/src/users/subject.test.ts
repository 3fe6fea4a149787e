import { createHash } from 'node:crypto';
import type { SubMode } from '../clients/application.js';
import { makeApplication, makeUser } from '../testing/fixtures.js';
import type { User } from './user.js';
import { subjectFor } from './subject.js';

const salt = 'install-id-1234';
// authentik's `uid`: sha256("<pk>-<install id>") as hex, computed here independently.
const hashedId = (id: string, withSalt = salt) => createHash('sha256').update(`${id}-${withSalt}`, 'utf8').digest('hex');

const user = makeUser({
  id: '42',
  uuid: '0b7e4c3a-5d1f-4e8a-9c2b-7a6f5e4d3c2b',
  username: 'alice',
  email: 'alice@example.com',
  attributes: { upn: 'alice@corp.example' },
});

describe('subjectFor', () => {
  it.each<[string, SubMode, Partial<User>, string]>([
    ['hashes the user id with the salt for hashed_user_id', 'hashed_user_id', {}, hashedId('42')],
    ['uses the id for user_id', 'user_id', {}, '42'],
    ['uses the uuid for user_uuid', 'user_uuid', {}, '0b7e4c3a-5d1f-4e8a-9c2b-7a6f5e4d3c2b'],
    ['uses the username for user_username', 'user_username', {}, 'alice'],
    ['uses the email for user_email', 'user_email', {}, 'alice@example.com'],
    ['falls back to the hashed id for user_email without email', 'user_email', { email: null }, hashedId('42')],
    ['falls back to the hashed id for user_email with an empty email', 'user_email', { email: '' }, hashedId('42')],
    ['uses attributes.upn for user_upn', 'user_upn', {}, 'alice@corp.example'],
    ['falls back to the hashed id for user_upn without upn', 'user_upn', { attributes: {} }, hashedId('42')],
    ['falls back to the hashed id for user_upn with an empty upn', 'user_upn', { attributes: { upn: '' } }, hashedId('42')],
    ['falls back to the hashed id for user_upn with a non-string upn', 'user_upn', { attributes: { upn: 12345 } }, hashedId('42')],
  ])('%s', (_name, subMode, userOverrides, expected) => {
    expect(subjectFor(makeApplication({ subMode }), { ...user, ...userOverrides }, salt)).toBe(expected);
  });

  it('gives a hashed subject that changes with the salt and with the user', () => {
    const application = makeApplication({ subMode: 'hashed_user_id' });
    const subject = subjectFor(application, user, salt);
    expect(subject).toMatch(/^[0-9a-f]{64}$/);
    expect(subjectFor(application, user, 'other-install')).toBe(hashedId('42', 'other-install'));
    expect(subjectFor(application, { ...user, id: '43' }, salt)).not.toBe(subject);
  });
});
