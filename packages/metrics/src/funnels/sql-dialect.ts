/**
 * The few places the SQLite and PostgreSQL funnel queries differ. Every user value reaches SQL as
 * a bound parameter: `$n` in PostgreSQL, `?n` in SQLite (numbered, so a query can be assembled in
 * any order). JSON paths are parameters too: a text array for PostgreSQL's `#>`, a quoted
 * `$."a"."b"` path for SQLite's `->`.
 */
export interface SqlDialect {
  name: 'sqlite' | 'postgres';
  /** Adds a parameter and returns its placeholder. */
  param(value: unknown): string;
  /** Adds an integer parameter (typed `bigint` in PostgreSQL, where it meets `ts`). */
  int(value: number): string;
  readonly params: unknown[];
  /** JSON text of a scalar (string, number, boolean) at `path` in `body`, else NULL. */
  scalarJsonAt(path: readonly string[]): string;
  /** The raw JSON at `path` (for equality with a JSON parameter), else NULL. */
  jsonEquals(path: readonly string[], value: unknown): string;
  /** True when `path` holds a number compared by `op` to `value`. */
  numberCompare(path: readonly string[], op: '>' | '>=' | '<' | '<=', value: number): string;
  /** True when `path` is present and not JSON null. */
  exists(path: readonly string[]): string;
  /** Zero-padded position prefix + text, for argmin by MIN(). */
  prefixed(pos: string, text: string): string;
  /** MIN over text compared by code point. */
  minText(expression: string): string;
  /** Largest of several values. */
  greatest(values: readonly string[]): string;
}

export function sqlDialect(name: 'sqlite' | 'postgres'): SqlDialect {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return name === 'postgres' ? `$${params.length}` : `?${params.length}`;
  };
  if (name === 'postgres') {
    const at = (path: readonly string[]) => `(body #> ${param([...path])}::text[])`;
    return {
      name,
      param,
      int: (value) => `${param(value)}::bigint`,
      params,
      scalarJsonAt(path) {
        const p = param([...path]);
        return `(CASE WHEN jsonb_typeof(body #> ${p}::text[]) IN ('string', 'number', 'boolean') THEN (body #> ${p}::text[])::text END)`;
      },
      jsonEquals: (path, value) => `(${at(path)} = ${param(JSON.stringify(value))}::jsonb)`,
      numberCompare(path, op, value) {
        const p = param([...path]);
        return `(jsonb_typeof(body #> ${p}::text[]) = 'number' AND (body #> ${p}::text[]) ${op} ${param(JSON.stringify(value))}::jsonb)`;
      },
      exists: (path) => `COALESCE(jsonb_typeof(${at(path)}) <> 'null', false)`,
      prefixed: (pos, text) => `(lpad(${pos}::text, 12, '0') || COALESCE(${text}, ''))`,
      minText: (expression) => `MIN(${expression} COLLATE "C")`,
      greatest: (values) => `GREATEST(${values.join(', ')})`,
    };
  }
  const jsonPath = (path: readonly string[]) => `$${path.map((part) => `."${part}"`).join('')}`;
  return {
    name,
    param,
    int: (value) => param(value),
    params,
    scalarJsonAt(path) {
      const p = param(jsonPath(path));
      return `(CASE WHEN json_type(body, ${p}) IN ('text', 'integer', 'real', 'true', 'false') THEN body -> ${p} END)`;
    },
    jsonEquals: (path, value) => `((body -> ${param(jsonPath(path))}) = ${param(JSON.stringify(value))})`,
    numberCompare(path, op, value) {
      const p = param(jsonPath(path));
      return `(json_type(body, ${p}) IN ('integer', 'real') AND (body ->> ${p}) ${op} ${param(value)})`;
    },
    exists: (path) => `COALESCE(json_type(body, ${param(jsonPath(path))}) <> 'null', 0)`,
    prefixed: (pos, text) => `(printf('%012d', ${pos}) || COALESCE(${text}, ''))`,
    minText: (expression) => `MIN(${expression})`,
    greatest: (values) => (values.length === 1 ? values[0]! : `MAX(${values.join(', ')})`),
  };
}
