// Prisma CLI configuration (Prisma 7): where the schema and the SQL migrations are, and the
// database `prisma migrate deploy` applies them to. The application itself connects through a
// driver adapter (@gatehouse/prisma-store) and needs none of this.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://localhost:5432/gatehouse' },
});
