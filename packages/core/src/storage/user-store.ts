import type { User } from '../users/user.js';

/** Which users {@link UserStore.list} returns, in username order. */
export interface UserQuery {
  /** A case-insensitive part of the username, name or email. */
  readonly search?: string;
  /** Only the direct members of this group. */
  readonly group?: string;
  /** Only users whose username sorts after this one: the last username of the previous page. */
  readonly after?: string;
  /** At most this many. */
  readonly limit: number;
}

/** Users and their group memberships. */
export interface UserStore {
  find(id: string): Promise<User | null>;
  findByUsername(username: string): Promise<User | null>;
  /** Creates or replaces the user with the same id. */
  save(user: User): Promise<void>;
  /** One page of users, ordered by username, for management views. */
  list(query: UserQuery): Promise<User[]>;
  /** The names of every group, sorted: those created by name and those of saved users alike. */
  listGroups(): Promise<string[]>;
  /** Creates an empty group; false when a group with this name exists already. */
  createGroup(name: string): Promise<boolean>;
  /** Deletes the group and every membership in it; false when there is no such group. */
  deleteGroup(name: string): Promise<boolean>;
}
