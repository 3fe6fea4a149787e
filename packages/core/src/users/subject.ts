import { createHash } from 'node:crypto';
import type { Application } from '../clients/application.js';
import type { User } from './user.js';

/** The `sub` an application sees for a user, per its `sub_mode` (behaviour spec §2.4). */
export function subjectFor(application: Application, user: User, salt: string): string {
  const hashed = () => createHash('sha256').update(`${user.id}-${salt}`).digest('hex');
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
