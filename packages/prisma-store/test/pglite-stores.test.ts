import { describeStores } from '@gatehouse/core/testing';
import { prismaStores, readEvents, type Database } from '../src/index.js';
import { createPgliteDatabase, testSecretKey } from './test-database.js';

let database: Database;
beforeAll(async () => {
  database = await createPgliteDatabase();
}, 60_000);
afterAll(() => database.close());

describeStores('prismaStores on PGlite', async () => ({
  stores: prismaStores(database.prisma, { secretKey: testSecretKey }),
  readEvents: () => readEvents(database.prisma),
  rollsBack: true,
}));
