import type { User } from '../users/user.js';

/** Users and their group memberships. */
export interface UserStore {
  find(id: string): Promise<User | null>;
  findByUsername(username: string): Promise<User | null>;
  /** Creates or replaces the user with the same id. */
  save(user: User): Promise<void>;
}
