import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectPostgres, type Database } from '../database.js';
import { applyMigrations } from '../migrate.js';

export interface TestDatabase {
  readonly database: Database;
  /** Connection string of the new database, for processes of their own. */
  readonly url: string;
  /** Closes the connections and drops the database. */
  drop(): Promise<void>;
}

/** A new, migrated database on the server at `adminUrl`, so that test runs never share state. */
export async function createPostgresDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `gatehouse_test_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = connectPostgres(url.href);
  await applyMigrations(database);
  return {
    database,
    url: url.href,
    async drop() {
      await database.close();
      await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
