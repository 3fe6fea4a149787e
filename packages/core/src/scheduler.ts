/**
 * Runs work later: retries of back-channel logout deliveries. Injected like the clock, so tests
 * can record the delays and run the work at once instead of waiting.
 */
export interface Scheduler {
  /** Runs `task` after `delaySeconds`; a pending task must not keep the process alive. */
  schedule(delaySeconds: number, task: () => void): void;
}

export const systemScheduler: Scheduler = {
  schedule: (delaySeconds, task) => void setTimeout(task, delaySeconds * 1000).unref(),
};
