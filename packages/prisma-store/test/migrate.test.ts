import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeRequiring, serviceAt } from '@gatehouse/core/testing';
import pg from 'pg';
import { applyMigrations, bundledMigrations, connectPostgres } from '../src/index.js';
import { createPgliteDatabase, createPostgresDatabase, postgresUrl, type TestDatabase } from './test-database.js';

const migrationNames = ['20261123000000_init', '20261123010000_key_versions_and_session_claims', '20261123020000_machine_clients', '20261124000000_grants_sid_index', '20261125000000_events_request_id_index', '20261126000000_audit_event_filters', '20261203000000_scope_mappings'];

describe('applyMigrations on PGlite', () => {
  it('applies pending migrations once and nothing the second time', async () => {
    const database = await createPgliteDatabase();
    try {
      expect(await applyMigrations(database)).toEqual([]);
      const tables = await database.prisma.$queryRaw<{ tablename: string }[]>`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`;
      expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining(['applications', 'users', 'refresh_tokens', 'access_tokens', 'keys', 'events', 'scope_mappings', '_prisma_migrations']));
    } finally {
      await database.close();
    }
  }, 60_000);
});

describeRequiring('applyMigrations on PostgreSQL', serviceAt(postgresUrl), () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createPostgresDatabase();
  }, 60_000);
  afterAll(() => db?.drop());

  it('records each migration the way `prisma migrate deploy` does (name, SHA-256 checksum, finished)', async () => {
    const rows = await db.database.prisma.$queryRaw<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }[]>`
      SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`;
    const expected = await Promise.all(migrationNames.map(async (name) => ({
      migration_name: name,
      checksum: createHash('sha256').update(await readFile(join(bundledMigrations, name, 'migration.sql'))).digest('hex'),
      finished_at: expect.any(Date),
      applied_steps_count: 1,
    })));
    expect(rows).toEqual(expected);
  });

  it('migrates a fresh database exactly once when several processes start at the same time', async () => {
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    const name = `gatehouse_race_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    const databases = Array.from({ length: 4 }, () => connectPostgres(url.href, { poolSize: 2 }));
    try {
      const results = await Promise.all(databases.map((database) => applyMigrations(database)));
      expect(results.flat()).toEqual(migrationNames);
      const count = await databases[0]!.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "_prisma_migrations"`;
      expect(Number(count[0]!.n)).toBe(migrationNames.length);
    } finally {
      await Promise.all(databases.map((database) => database.close()));
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }, 60_000);
});
