/**
 * Single-use values handed out one per request. When the pool runs dry the last value is sent
 * again: the server refuses it (a non-2xx in the table) and `overdrawn` says how often.
 */
export class CodePool {
  readonly #values: readonly string[];
  #next = 0;
  overdrawn = 0;

  constructor(values: readonly string[]) {
    if (values.length === 0) throw new Error('an empty code pool');
    this.#values = values;
  }

  take(): string {
    if (this.#next < this.#values.length) return this.#values[this.#next++]!;
    this.overdrawn += 1;
    return this.#values[this.#values.length - 1]!;
  }
}
