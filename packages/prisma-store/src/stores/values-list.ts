/**
 * The `VALUES` list of a multi-row INSERT for raw SQL: `(($1, $2), ($3, $4))` with the parameters
 * flattened in the same order. `casts` gives a column's type where PostgreSQL cannot infer it
 * from the text sent (`jsonb`, or any column of a list that is not an INSERT's own). The
 * parameters go after those already in `values`, for statements with several lists.
 */
export function valuesList(
  rows: readonly (readonly unknown[])[],
  casts: readonly (string | undefined)[] = [],
  values: unknown[] = [],
): { readonly sql: string; readonly values: unknown[] } {
  const tuples = rows.map((row) => {
    const placeholders = row.map((value, column) => {
      values.push(value);
      const cast = casts[column];
      return cast === undefined ? `$${values.length}` : `$${values.length}::${cast}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  return { sql: `VALUES ${tuples.join(', ')}`, values };
}
