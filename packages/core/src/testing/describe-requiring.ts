import { spawnSync } from 'node:child_process';
import { describe, it } from '@jest/globals';

/** A backend a suite needs: whether it is there, and what to say when it is not. */
export interface Requirement {
  readonly available: boolean;
  readonly missing: string;
}

const inCi = ['true', '1'].includes(process.env['CI'] ?? '');

/**
 * Whether something accepts TCP connections at the URL's host and port (the scheme's default port
 * when none is given). Synchronous, through a child process, because jest decides between
 * `describe` and `describe.skip` while it collects tests.
 */
export function serviceAt(url: string): Requirement {
  const { hostname, port, protocol } = new URL(url);
  const defaultPort = protocol.startsWith('redis') ? '6379' : '5432';
  const probe = `const s = require('node:net').connect(Number(process.argv[2]), process.argv[1]);
s.setTimeout(1000, () => process.exit(1));
s.on('connect', () => process.exit(0));
s.on('error', () => process.exit(1));`;
  const host = hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const result = spawnSync(process.execPath, ['-e', probe, host, port || defaultPort], { timeout: 3000 });
  return { available: result.status === 0, missing: `nothing listens at ${url}` };
}

/**
 * `describe` for suites that need a real backend. Without it, the suite is skipped with a
 * warning on a developer machine, and fails under `CI=true`: CI must prove the adapter works.
 *
 * @example
 * describeRequiring('redisCodeCache on a real Redis', serviceAt('redis://127.0.0.1:6379'), () => { ... });
 */
export function describeRequiring(name: string, requirement: Requirement, body: () => void): void {
  if (requirement.available) {
    describe(name, body);
  } else if (!inCi) {
    console.warn(`${requirement.missing}: skipping "${name}" (with CI=true it fails instead)`);
    describe.skip(name, body);
  } else {
    // The body is not registered: its hooks would only add connection errors to the one that matters.
    describe(name, () => {
      it('has the backend it tests', () => {
        throw new Error(`${requirement.missing} (CI=true: failing rather than skipping)`);
      });
    });
  }
}
