/** Most calls one statement carries: bounds its parameters (PostgreSQL allows 65,535) and its size. */
const maxBatchSize = 500;

interface Call<I, O> {
  readonly input: I;
  readonly resolve: (output: O | PromiseLike<O>) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers the calls made while the event loop handles one round of I/O and hands them to `run`
 * together, after that round (`setImmediate`): concurrent requests then share one statement, and
 * Prisma's per-query cost and the round trip are paid once. `run` answers one output per input, in
 * order (a promise settles that caller alone); when it fails, every caller of that batch gets its
 * error and none gets a result.
 */
export function batching<I, O>(run: (inputs: readonly I[]) => Promise<readonly (O | PromiseLike<O>)[]>): (input: I) => Promise<O> {
  let pending: Call<I, O>[] = [];
  const flush = () => {
    const calls = pending;
    if (calls.length === 0) return;
    pending = [];
    run(calls.map((call) => call.input)).then(
      (outputs) => calls.forEach((call, index) => call.resolve(outputs[index]!)),
      (error: unknown) => calls.forEach((call) => call.reject(error)),
    );
  };
  return (input) =>
    new Promise<O>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ input, resolve, reject });
      if (pending.length >= maxBatchSize) flush();
    });
}

/**
 * A lookup by key batched with {@link batching}: one query for the distinct keys of a batch, each
 * caller getting the row of its own key or null.
 */
export function batchedLookup<R>(findMany: (keys: readonly string[]) => Promise<readonly R[]>, keyOf: (row: R) => string): (key: string) => Promise<R | null> {
  return batching(async (keys: readonly string[]) => {
    const rows = await findMany([...new Set(keys)]);
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}
