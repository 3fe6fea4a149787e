// One Jest run over every package (tRPC's layout): one summary for the whole repository.
// Sources are transformed by @swc/jest, so tests need no build; type checking is `pnpm typecheck`.
// jose, openid-client, oauth4webapi and Prisma's query compiler ship ESM only, and PGlite loads
// its parts with import(): they are transformed to CommonJS here, once (pnpm stores @scope/name
// as @scope+name under .pnpm). Octokit (the GitHub end-to-end tests) is ESM only too, with its
// dependencies universal-user-agent, before-after-hook and content-type 3 (the name also
// matches the CommonJS content-type of Express, which the transform leaves working).
const esmOnly = [
  'jose',
  'openid-client',
  'oauth4webapi',
  '@prisma[+/]client',
  '@electric-sql[+/]pglite',
  '@octokit[+/][a-z-]+',
  'universal-user-agent',
  'before-after-hook',
  'content-type',
  '@seriousme[+/]openapi-schema-validator',
];

/** @param {string} dir @param {string} name */
const project = (dir, name) => ({
  displayName: name,
  rootDir: `<rootDir>/${dir}`,
  testEnvironment: 'node',
  // PGlite keeps module-level state that Jest's soft global cleanup would warn about on every file.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj|cj)s$': ['@swc/jest', {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(\\.pnpm/)?(${esmOnly.join('|')})[@/])`],
  moduleNameMapper: {
    '^@gatehouse/([a-z-]+)/testing$': '<rootDir>/../../packages/$1/src/testing/index.ts',
    '^@gatehouse/([a-z-]+)$': '<rootDir>/../../packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
});

module.exports = {
  projects: [
    project('packages/core', 'core'),
    project('packages/express-router', 'express-router'),
    project('packages/redis-code-cache', 'redis-code-cache'),
    project('packages/prisma-store', 'prisma-store'),
    project('apps/sample-provider', 'sample-provider'),
    project('apps/bench', 'bench'),
  ],
};
