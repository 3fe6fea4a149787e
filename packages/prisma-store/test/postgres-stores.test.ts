import { describeRequiring, describeStores, serviceAt } from '@gatehouse/core/testing';
import { prismaStores, readEvents } from '../src/index.js';
import { createPostgresDatabase, postgresUrl, testSecretKey, type TestDatabase } from './test-database.js';

describeRequiring('PostgreSQL server', serviceAt(postgresUrl), () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createPostgresDatabase();
  }, 60_000);
  afterAll(() => db?.drop());

  describeStores('prismaStores on PostgreSQL', async () => ({
    stores: prismaStores(db.database.prisma, { secretKey: testSecretKey }),
    readEvents: () => readEvents(db.database.prisma),
    rollsBack: true,
  }));
});
