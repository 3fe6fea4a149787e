import { fileURLToPath } from 'node:url';
import { pinned } from '../run/cpu-affinity.js';
import { freePort, startServer, type ServerProcess } from '../run/child-processes.js';
import type { LoadRequest } from '../run/load.js';
import type { ScenarioName, Target } from './target.js';

const entry = fileURLToPath(new URL('../servers/express-ceiling.js', import.meta.url));

export function expressCeiling(serverCpus: string | null): Target {
  let server: ServerProcess | null = null;
  return {
    id: 'express',
    label: 'Express 5 (bare)',
    get url() {
      return server!.url;
    },
    async start() {
      const port = await freePort();
      server = await startServer('express ceiling', pinned(serverCpus, [process.execPath, entry]), { PORT: String(port) }, { url: `http://127.0.0.1:${port}`, readyPath: '/' });
    },
    async prepare(scenario: ScenarioName): Promise<LoadRequest | null> {
      return scenario === 'ceiling' ? { method: 'GET', path: '/' } : null;
    },
    async stop() {
      await server?.stop();
    },
  };
}
