/** Where the CLI reads and writes: the process's streams, or captured ones in tests. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** The environment the provider reads too (DATABASE_URL, DATA_DIR, SECRET_KEY, ...). */
  readonly env: Readonly<Record<string, string | undefined>>;
}
