import { createHash } from 'node:crypto';
import type { Application } from '../clients/application.js';
import type { User } from './user.js';

// Hashed subjects of recent users: machine clients ask for tokens of the same account all day.
const recent = new Map<string, string>();
const recentMax = 10_000;

function hashedSubject(userId: string, salt: string): string {
  const input = `${userId}-${salt}`;
  let subject = recent.get(input);
  if (subject === undefined) {
    subject = createHash('sha256').update(input).digest('hex');
    if (recent.size >= recentMax) recent.delete(recent.keys().next().value!);
    recent.set(input, subject);
  }
  return subject;
}

/** The `sub` an application sees for a user, per its `sub_mode` (behaviour spec §2.4). */
export function subjectFor(application: Application, user: User, salt: string): string {
  const hashed = () => hashedSubject(user.id, salt);
  switch (application.subMode) {
    case 'hashed_user_id':
      return hashed();
    case 'user_id':
      return user.id;
    case 'user_uuid':
      return user.uuid;
    case 'user_username':
      return user.username;
    case 'user_email':
      return user.email || hashed();
    case 'user_upn': {
      const upn = user.attributes['upn'];
      return typeof upn === 'string' && upn !== '' ? upn : hashed();
    }
  }
}
