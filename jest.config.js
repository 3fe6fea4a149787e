// One Jest run over every package (tRPC's layout): one summary for the whole repository.
// Sources are transformed by @swc/jest, so tests need no build; type checking is `pnpm typecheck`.
// jose, openid-client and oauth4webapi ship ESM only: they are transformed to CommonJS here, once.
const esmOnly = ['jose', 'openid-client', 'oauth4webapi'];

/** @param {string} dir @param {string} name */
const project = (dir, name) => ({
  displayName: name,
  rootDir: `<rootDir>/${dir}`,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(\\.pnpm/)?(${esmOnly.join('|')})[@/])`],
  moduleNameMapper: {
    '^@gatehouse/core/testing$': '<rootDir>/../../packages/core/src/testing/index.ts',
    '^@gatehouse/([a-z-]+)$': '<rootDir>/../../packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
});

module.exports = {
  projects: [
    project('packages/core', 'core'),
    project('packages/express-router', 'express-router'),
    project('apps/sample-provider', 'sample-provider'),
  ],
};
