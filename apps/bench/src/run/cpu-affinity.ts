import { execFileSync } from 'node:child_process';

/**
 * Which core the servers and the load generator get. Pinning keeps them from competing for the
 * same core, so a server's figure is what one core of it does. It needs taskset and two cores;
 * otherwise everything runs unpinned and the report says so.
 */
export interface CorePlan {
  /** `taskset -c` list for server processes, or null when unpinned. */
  readonly server: string | null;
  /** The core the bench process (autocannon) runs on, or null when unpinned. */
  readonly loadGenerator: string | null;
  readonly cores: number;
  readonly description: string;
}

function run(command: string, args: readonly string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function planCores(): CorePlan {
  const cores = Number(run('nproc', [])) || 1;
  const taskset = run('taskset', ['-p', String(process.pid)]) !== null;
  if (cores >= 2 && taskset) {
    return { server: '0', loadGenerator: '1', cores, description: `${cores} cores: servers pinned to core 0, load generator to core 1 (taskset)` };
  }
  const why = cores < 2 ? 'one core' : 'no taskset';
  return { server: null, loadGenerator: null, cores, description: `${why}: servers and load generator unpinned (figures are not per-core)` };
}

/** Moves every thread of this process (autocannon runs here) onto the load generator's core. */
export function pinSelf(plan: CorePlan): void {
  if (plan.loadGenerator === null) return;
  execFileSync('taskset', ['-a', '-p', '-c', plan.loadGenerator, String(process.pid)], { stdio: 'ignore' });
}

/** The command line that starts `argv` on `cpus` (`taskset -c`), or as is when unpinned. */
export function pinned(cpus: string | null, argv: readonly string[]): string[] {
  return cpus === null ? [...argv] : ['taskset', '-c', cpus, ...argv];
}
