import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

/** The SQL migrations shipped with this package (copied from the repository's prisma/migrations). */
export const bundledMigrations: string = fileURLToPath(new URL('../migrations/', import.meta.url));

// The table `prisma migrate deploy` keeps, so that migrations applied here count as applied there.
const historyTable = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies the pending migrations of `directory` in name order, each in one transaction together
 * with its history row, under the database's migration lock. Returns the names it applied.
 */
export async function applyMigrations(database: Database, directory: string = bundledMigrations): Promise<string[]> {
  const names = (await readdir(directory, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return database.withMigrationLock(async (exec, query) => {
    await exec(historyTable, []);
    const applied = new Set(
      (await query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL'))
        .map((row) => row.migration_name),
    );
    const done: string[] = [];
    for (const name of names.filter((n) => !applied.has(n))) {
      const sql = await readFile(join(directory, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      await exec(sql, [{
        text: 'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, now(), 1)',
        values: [randomUUID(), checksum, name],
      }]);
      done.push(name);
    }
    return done;
  });
}
