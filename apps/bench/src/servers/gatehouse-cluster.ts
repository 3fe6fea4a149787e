// `node gatehouse-cluster.js <provider main.js> <workers>`: the reference provider as N cluster
// workers on one port over the same PostgreSQL + Redis (the scale-out rows). The primary only
// hands accepted connections round-robin to the workers; with keep-alive that is rare.
import cluster, { type Worker } from 'node:cluster';

const [main, count] = process.argv.slice(2);
const workers = Number(count);
if (!main || !Number.isInteger(workers) || workers < 1) throw new Error('usage: gatehouse-cluster.js <main.js> <workers>');

cluster.setupPrimary({ exec: main, silent: false });
let stopping = false;

async function forkWorker(index: number): Promise<Worker> {
  // The first worker applies pending migrations; the others start after it and find none.
  const worker = cluster.fork(index === 0 ? {} : { MIGRATE_ON_START: 'false' });
  await new Promise<void>((resolve, reject) => {
    worker.once('listening', () => resolve());
    worker.once('exit', (code) => reject(new Error(`worker ${index} exited with ${code} before listening`)));
  });
  worker.on('exit', (code) => {
    // A worker that dies during the run fails the run instead of halving it silently.
    if (!stopping) {
      process.stderr.write(`gatehouse-cluster: worker ${index} exited with ${code}\n`);
      process.exit(1);
    }
  });
  return worker;
}

process.once('SIGTERM', () => {
  stopping = true;
  for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
  const check = setInterval(() => {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  }, 50);
  setTimeout(() => process.exit(0), 10_000).unref();
  check.unref();
});

for (let index = 0; index < workers; index += 1) await forkWorker(index);
