import type { Measurement } from '../run/load.js';
import type { ScenarioName } from '../targets/target.js';

/** One cell of the table: a server on a scenario, measured or failed. */
export interface ScenarioResult {
  readonly server: string;
  readonly serverLabel: string;
  readonly scenario: ScenarioName;
  readonly measurement: Measurement | null;
  /** Why there is no measurement (the server's answer to a probe, or a start-up error). */
  readonly failure?: string;
  /** Something to know about the figure (e.g. codes ran out). */
  readonly note?: string;
}

export interface RunInfo {
  readonly startedAt: Date;
  readonly wallSeconds: number;
  readonly cpuModel: string;
  readonly nodeVersion: string;
  readonly cores: string;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  /** One-minute load average at the start and the end: other work on the machine skews figures. */
  readonly loadAverage: readonly [number, number];
  /** Servers that were skipped and why (e.g. PostgreSQL unreachable). */
  readonly skipped: readonly string[];
}
