import type { Prisma } from '../generated/prisma/client.js';

/** A Prisma client or the client of an interactive transaction: every store works with both. */
export type Db = Prisma.TransactionClient;
