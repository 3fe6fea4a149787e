import type { LoadRequest } from '../run/load.js';

/** The scenarios, in the order they run against each server (code exchange last: it mints many codes). */
export const scenarios = ['client_credentials', 'code_exchange', 'refresh', 'introspection', 'userinfo', 'discovery', 'jwks'] as const;
export type ScenarioName = (typeof scenarios)[number] | 'ceiling';
export const runOrder: readonly ScenarioName[] = ['discovery', 'jwks', 'client_credentials', 'introspection', 'userinfo', 'refresh', 'code_exchange'];

export const scenarioLabels: Readonly<Record<ScenarioName, string>> = {
  ceiling: 'fixed JSON (Express ceiling)',
  client_credentials: 'client_credentials (JWT)',
  code_exchange: 'authorization_code exchange',
  refresh: 'refresh_token',
  introspection: 'introspection',
  userinfo: 'userinfo',
  discovery: 'discovery',
  jwks: 'JWKS',
};

/** What a scenario may need to know before it is prepared. */
export interface PrepareHints {
  /** Requests the warm-up and the measured run will send at most (codes to mint beforehand). */
  readonly requestBudget: number;
}

/** A server under test: started once, then asked for each scenario's request. */
export interface Target {
  /** Short id for BENCH_SERVERS and the table. */
  readonly id: string;
  readonly label: string;
  start(): Promise<void>;
  /** The base URL once started. */
  readonly url: string;
  /** The request of a scenario, or null when this server does not do it. */
  prepare(scenario: ScenarioName, hints: PrepareHints): Promise<LoadRequest | null>;
  stop(): Promise<void>;
}
