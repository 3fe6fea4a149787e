import { makeApplication, makeUser } from '../testing/fixtures.js';
import { declarativeScopeMapping } from './declarative-scope-mapping.js';

const user = makeUser({ username: 'alice', groups: ['staff'], attributes: { department: 'R&D', nested: { level: 3 } }, passwordHash: '$argon2id$secret' });
const context = { application: makeApplication(), scopes: ['custom'] };

describe('declarativeScopeMapping', () => {
  it('reads user fields and attribute paths, and leaves out paths without a value', async () => {
    const mapping = declarativeScopeMapping('custom', 'Custom', {
      login: 'user.username',
      teams: 'user.groups',
      department: 'user.attributes.department',
      level: 'user.attributes.nested.level',
      missing: 'user.attributes.nowhere.deep',
    });
    expect(await mapping.claims(user, context)).toEqual({ login: 'alice', teams: ['staff'], department: 'R&D', level: 3 });
    expect(mapping.claimNames).toEqual(['login', 'teams', 'department', 'level', 'missing']);
  });

  it.each(['user.passwordHash', 'user', 'username', 'account.username', 'user.__proto__', 'user.attributes.', 'user.attributes..department'])('refuses the path %s', (path) => {
    expect(() => declarativeScopeMapping('custom', 'Custom', { claim: path })).toThrow(/claim path/);
  });
});
