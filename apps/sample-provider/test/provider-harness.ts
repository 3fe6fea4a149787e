import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '@gatehouse/core';
import type { LevelWithSilent, Logger } from 'pino';
import { answerClientErrors } from '../src/client-errors.js';
import { createProvider, type Provider, type ProviderOptions } from '../src/create-provider.js';
import { providerLogger } from '../src/observability/provider-logger.js';
import { seedSchema } from '../src/seed/seed-schema.js';

export interface RunningProvider extends Provider {
  /** Where this process listens. */
  readonly baseUrl: string;
  /** The public URL its issuers and endpoint URLs are built from: `baseUrl` unless told otherwise. */
  readonly publicUrl: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Another instance's URL, to run a second instance behind the same public URL (as behind a load balancer). */
  readonly publicUrl?: string;
  readonly clock?: Clock;
  /** The provider's logger; the provider's own (redacting) at TEST_LOG_LEVEL, silent by default, when absent. */
  readonly logger?: Logger;
  /** The bearer token `GET /metrics` requires. */
  readonly metricsToken?: string;
  /** The router's rate limits; its defaults when absent. */
  readonly rateLimits?: ProviderOptions['rateLimits'];
  /** How long applications, users and scope mappings stay cached (0, none, when absent). */
  readonly storeCacheSeconds?: number;
}

/**
 * Starts the reference provider on a random loopback port with its own seed, as `main.ts` would,
 * but in this process: the base URL is known only once the port is.
 */
export async function startProvider(
  seed: unknown,
  storage: Pick<ProviderOptions, 'stores' | 'codes'> = {},
  options: StartOptions = {},
): Promise<RunningProvider> {
  const http: Server = createServer();
  answerClientErrors(http);
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const publicUrl = options.publicUrl ?? baseUrl;
  const provider = await createProvider({
    publicUrl,
    secretKey: 'test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz',
    seed: seedSchema.parse(seed),
    logger: options.logger ?? providerLogger((process.env['TEST_LOG_LEVEL'] ?? 'silent') as LevelWithSilent),
    ...(options.metricsToken !== undefined ? { metricsToken: options.metricsToken } : {}),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    ...(options.storeCacheSeconds !== undefined ? { storeCacheSeconds: options.storeCacheSeconds } : {}),
    ...storage,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  http.on('request', provider.listener);
  return {
    ...provider,
    baseUrl,
    publicUrl,
    close: () => new Promise((resolve, reject) => {
      http.closeAllConnections();
      http.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
