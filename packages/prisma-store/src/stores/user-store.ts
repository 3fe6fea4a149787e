import { randomUUID } from 'node:crypto';
import type { User, UserStore } from '@gatehouse/core';
import { batchedLookup } from '../batch.js';
import type { Prisma } from '../generated/prisma/client.js';
import { toOptionalDate, toOptionalSeconds } from '../time.js';
import type { Db } from './db.js';

const withGroups = { memberships: { select: { group: { select: { name: true } } } } } as const;
type Row = Prisma.UserGetPayload<{ include: typeof withGroups }>;

function toUser(row: Row): User {
  return {
    id: row.id,
    uuid: row.uuid,
    username: row.username,
    name: row.name,
    email: row.email,
    emailVerified: row.emailVerified,
    groups: row.memberships.map((membership) => membership.group.name).sort(),
    attributes: row.attributes as Record<string, unknown>,
    isActive: row.isActive,
    ...(row.passwordHash !== null ? { passwordHash: row.passwordHash } : {}),
    // Defaults stay implicit, as in users saved without them.
    ...(row.type !== 'internal' ? { type: row.type as NonNullable<User['type']> } : {}),
    ...(row.expiresAt !== null ? { expiresAt: toOptionalSeconds(row.expiresAt) } : {}),
  };
}

/**
 * Users with their group memberships. `save` needs a transaction (user, groups and memberships
 * change together): call it on the stores a `transaction` hands out, or it opens one itself. With
 * `batchReads` (outside transactions) concurrent `find` calls share one query.
 */
export function prismaUserStore(db: Db, inTransaction: <T>(work: (db: Db) => Promise<T>) => Promise<T>, { batchReads }: { readonly batchReads: boolean }): UserStore {
  const byId = batchReads
    ? batchedLookup((ids) => db.user.findMany({ where: { id: { in: [...ids] } }, include: withGroups }), (row) => row.id)
    : (id: string) => db.user.findUnique({ where: { id }, include: withGroups });
  return {
    async find(id) {
      const row = await byId(id);
      return row ? toUser(row) : null;
    },
    async findByUsername(username) {
      const row = await db.user.findUnique({ where: { username }, include: withGroups });
      return row ? toUser(row) : null;
    },
    async list({ search, group, after, limit }) {
      // Prisma puts the value into an ILIKE pattern as it is: its wildcards must match themselves.
      const pattern = search?.replace(/[\\%_]/g, (character) => `\\${character}`);
      const contains = pattern === undefined ? undefined : { contains: pattern, mode: 'insensitive' as const };
      const rows = await db.user.findMany({
        where: {
          ...(contains ? { OR: [{ username: contains }, { name: contains }, { email: contains }] } : {}),
          ...(group !== undefined ? { memberships: { some: { group: { name: group } } } } : {}),
          ...(after !== undefined ? { username: { gt: after } } : {}),
        },
        orderBy: { username: 'asc' },
        take: limit,
        include: withGroups,
      });
      return rows.map(toUser);
    },
    async listGroups() {
      const rows = await db.group.findMany({ select: { name: true }, orderBy: { name: 'asc' } });
      return rows.map((row) => row.name);
    },
    async createGroup(name) {
      const { count } = await db.group.createMany({ data: [{ id: randomUUID(), name }], skipDuplicates: true });
      return count > 0;
    },
    async deleteGroup(name) {
      // Memberships go with the group (ON DELETE CASCADE).
      const { count } = await db.group.deleteMany({ where: { name } });
      return count > 0;
    },
    save: (user) =>
      inTransaction(async (tx) => {
        const row = {
          uuid: user.uuid,
          username: user.username,
          name: user.name,
          email: user.email,
          emailVerified: user.emailVerified,
          attributes: user.attributes as Prisma.InputJsonObject,
          isActive: user.isActive,
          passwordHash: user.passwordHash ?? null,
          type: user.type ?? 'internal',
          expiresAt: toOptionalDate(user.expiresAt ?? null),
        };
        await tx.user.upsert({ where: { id: user.id }, create: { id: user.id, ...row }, update: row });
        for (const name of user.groups) {
          await tx.group.upsert({ where: { name }, create: { id: randomUUID(), name }, update: {} });
        }
        const groups = await tx.group.findMany({ where: { name: { in: [...user.groups] } }, select: { id: true } });
        await tx.groupMembership.deleteMany({ where: { userId: user.id } });
        await tx.groupMembership.createMany({ data: groups.map((group) => ({ userId: user.id, groupId: group.id })) });
      }),
  };
}
