export { prismaStores } from './prisma-stores.js';
export type { PrismaStoresOptions } from './prisma-stores.js';
export { connectPostgres, openPglite } from './database.js';
export type { Database } from './database.js';
export { applyMigrations, bundledMigrations } from './migrate.js';
export { readEvents } from './stores/event-sink.js';
export { createSecretBox } from './secret-box.js';
export type { SecretBox } from './secret-box.js';
