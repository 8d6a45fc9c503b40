/**
 * Parameters of a SQL statement being built. Every user value reaches SQL as a bound parameter:
 * `$n` in PostgreSQL, `?n` in SQLite (numbered, so a statement can be assembled in any order; with
 * better-sqlite3 bind them as an object keyed by number, `{ 1: a, 2: b }`).
 */
export interface SqlParams {
  dialect: 'sqlite' | 'postgres';
  /** The values, in placeholder order (`params[0]` is `$1` or `?1`). */
  params: unknown[];
  /** Adds a parameter and returns its placeholder. */
  param(value: unknown): string;
}

/**
 * Starts (or continues, given the `params` of a statement under construction) a parameter list.
 *
 * @example
 * ```ts
 * const p = sqlParams('postgres');
 * const sql = `SELECT id FROM docs WHERE body ->> 'plan' = ${p.param('pro')}`; // ... = $1
 * // pool.query(sql, p.params)
 * ```
 */
export function sqlParams(dialect: 'sqlite' | 'postgres', params: unknown[] = []): SqlParams {
  return {
    dialect,
    params,
    param(value) {
      params.push(value);
      return dialect === 'postgres' ? `$${params.length}` : `?${params.length}`;
    },
  };
}

/** A JSON value's kind, as JavaScript sees it after `JSON.parse` (`null` also for missing). */
export type JsonKind = 'null' | 'true' | 'false' | 'number' | 'string' | 'array' | 'object';

/** A SQL expression. */
export type Sql = string;

/** SQL's true; folded away by {@link and}, {@link or} and {@link not}. */
export const TRUE: Sql = 'TRUE';
/** SQL's false; folded away by {@link and}, {@link or} and {@link not}. */
export const FALSE: Sql = 'FALSE';

/** The conjunction of predicates, folding TRUE and FALSE. */
export const and = (parts: readonly Sql[]): Sql => {
  const kept = parts.filter((part) => part !== TRUE);
  if (kept.includes(FALSE)) return FALSE;
  if (kept.length === 0) return TRUE;
  return kept.length === 1 ? (kept[0] as Sql) : `(${kept.join(' AND ')})`;
};

/** The disjunction of predicates, folding TRUE and FALSE. */
export const or = (parts: readonly Sql[]): Sql => {
  const kept = parts.filter((part) => part !== FALSE);
  if (kept.includes(TRUE)) return TRUE;
  if (kept.length === 0) return FALSE;
  return kept.length === 1 ? (kept[0] as Sql) : `(${kept.join(' OR ')})`;
};

/** The negation of a predicate that is never NULL. */
export const not = (part: Sql): Sql => (part === TRUE ? FALSE : part === FALSE ? TRUE : `(NOT ${part})`);

/** A JavaScript boolean as SQL. */
export const constant = (value: boolean): Sql => (value ? TRUE : FALSE);

/**
 * The dialect differences the condition compiler needs, over JSON values held as JSON text in
 * SQLite (what `->` returns) and as `jsonb` in PostgreSQL. Every predicate it builds is TRUE or
 * FALSE, never NULL, so NOT and NOR keep their two-valued meaning.
 */
export class SqlBuilder {
  readonly postgres: boolean;
  private aliases = 0;
  private readonly values: unknown[] = [];
  private readonly tokens = new Map<string, number>();

  constructor(private readonly p: SqlParams) {
    this.postgres = p.dialect === 'postgres';
  }

  /**
   * A stand-in for a parameter. Constant folding drops sub-expressions, so parameters are only
   * added to `p` by {@link finish}, for the stand-ins left in the final text (PostgreSQL refuses
   * a statement with a parameter it never uses).
   */
  private token(value: unknown): Sql {
    const key = `${typeof value}:${Array.isArray(value) ? JSON.stringify(value) : String(value)}`;
    let id = this.tokens.get(key);
    if (id === undefined) {
      id = this.values.push(value) - 1;
      this.tokens.set(key, id);
    }
    return `\uE000${id}\uE000`;
  }

  /** Replaces the stand-ins with placeholders, adding each value used to the parameters once. */
  finish(sql: Sql): Sql {
    const placeholders = new Map<string, string>();
    return sql.replace(/\uE000(\d+)\uE000/g, (_, id: string) => {
      let placeholder = placeholders.get(id);
      if (placeholder === undefined) {
        placeholder = this.p.param(this.values[Number(id)]);
        placeholders.set(id, placeholder);
      }
      return placeholder;
    });
  }

  /** A text parameter. */
  text(value: string): Sql {
    return this.postgres ? `${this.token(value)}::text` : this.token(value);
  }

  /** An integer parameter (`bigint` in PostgreSQL). */
  int(value: number | bigint): Sql {
    return this.postgres ? `${this.token(String(value))}::bigint` : this.token(Number(value));
  }

  /** A double parameter. */
  float(value: number): Sql {
    return this.postgres ? `${this.token(value)}::float8` : this.token(value);
  }

  /**
   * Names expressions once for a body that uses them several times: a scalar subquery over a
   * one-row derived table, `(SELECT body FROM (SELECT e0 AS c0, ... OFFSET 0) AS cx_qN)`. Aliases are
   * unique within one compilation, so nested bodies never shadow each other.
   */
  bind(expressions: readonly Sql[], body: (refs: Sql[]) => Sql): Sql {
    const alias = `cx_q${++this.aliases}`;
    const refs = expressions.map((_, index) => `${alias}.c${index}`);
    const result = body(refs);
    if (result === TRUE || result === FALSE) return result;
    const columns = expressions.map((expression, index) => `${expression} AS c${index}`).join(', ');
    // OFFSET 0 keeps the planners from inlining the columns into every use (which grows the
    // expression exponentially with the nesting); SQLite needs a LIMIT before an OFFSET.
    const fence = this.postgres ? 'OFFSET 0' : 'LIMIT -1 OFFSET 0';
    return `(SELECT ${result} FROM (SELECT ${columns} ${fence}) AS ${alias})`;
  }

  /** A fresh alias for a table-valued function. */
  alias(): string {
    return `cx_e${++this.aliases}`;
  }

  /** The {@link JsonKind} of a JSON value, as a SQL text expression. */
  kind(json: Sql): Sql {
    if (this.postgres) {
      return `COALESCE(CASE jsonb_typeof(${json}) WHEN 'boolean' THEN ${json} #>> '{}' ELSE jsonb_typeof(${json}) END, 'null')`;
    }
    return `COALESCE(CASE json_type(${json}) WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number' WHEN 'text' THEN 'string' ELSE json_type(${json}) END, 'null')`;
  }

  /** A CASE over a kind; kinds not listed are FALSE. */
  switchKind(kind: Sql, branches: Partial<Record<JsonKind, Sql>>): Sql {
    const arms = Object.entries(branches).filter(([, sql]) => sql !== FALSE);
    if (arms.length === 0) return FALSE;
    return `(CASE ${kind} ${arms.map(([name, sql]) => `WHEN '${name}' THEN ${sql}`).join(' ')} ELSE FALSE END)`;
  }

  /** The text of a JSON string. */
  stringOf(json: Sql): Sql {
    return this.postgres ? `(${json} #>> '{}')` : `(${json} ->> '$')`;
  }

  /** The decimal text of a JSON number (SQLite keeps the document's own text, PostgreSQL its numeric). */
  numberTextOf(json: Sql): Sql {
    return this.postgres ? `(${json} #>> '{}')` : json;
  }

  /** The JSON text of a value (minified in SQLite; canonical `jsonb` text in PostgreSQL). */
  jsonTextOf(json: Sql): Sql {
    return this.postgres ? `(${json})::text` : json;
  }

  /** The member `key` of an object, or NULL. */
  member(json: Sql, key: string): Sql {
    return this.postgres ? `(${json} -> ${this.text(key)})` : `(${json} -> ${this.token(sqlitePath([key]))})`;
  }

  /** The element `index` of an array, or NULL. */
  element(json: Sql, index: number): Sql {
    return this.postgres
      ? `(${json} -> ${this.int(index)}::int)`
      : `(${json} -> ${this.token(`$[${index}]`)})`;
  }

  /** The value at a path of object keys, or NULL. */
  path(json: Sql, keys: readonly string[]): Sql {
    return this.postgres
      ? `(${json} #> ${this.token([...keys])}::text[])`
      : `(${json} -> ${this.token(sqlitePath(keys))})`;
  }

  /** The value `depth` times into nested first elements (`$[0][0]...`), or NULL. */
  firstElements(json: Sql, depth: Sql): Sql {
    return this.postgres
      ? `(${json} #> array_fill('0'::text, ARRAY[CAST(${depth} AS int)]))`
      : `(${json} -> ('$' || replace(hex(zeroblob(${depth})), '00', '[0]')))`;
  }

  /** TRUE when some element of the array `json` passes `test`. */
  someElement(json: Sql, test: (element: Sql) => Sql): Sql {
    const alias = this.alias();
    if (this.postgres) {
      const passes = test(`${alias}.v`);
      if (passes === FALSE) return FALSE;
      return `EXISTS (SELECT 1 FROM jsonb_array_elements(${json}) AS ${alias}(v) WHERE ${passes})`;
    }
    const passes = test(`(${json} -> ('$[' || ${alias}.key || ']'))`);
    if (passes === FALSE) return FALSE;
    return `EXISTS (SELECT 1 FROM json_each(${json}) AS ${alias} WHERE ${passes})`;
  }

  /** Position of `needle` in `haystack`, from 1, or 0. */
  position(haystack: Sql, needle: Sql): Sql {
    return this.postgres ? `strpos(${haystack}, ${needle})` : `instr(${haystack}, ${needle})`;
  }

  /** TRUE when `value` is one or more of the characters of a class such as `0-9a-f`. */
  only(value: Sql, characterClass: string, allowEmpty = false): Sql {
    if (this.postgres) return `(${value} ~ '^[${characterClass}]${allowEmpty ? '*' : '+'}$')`;
    const none = `${value} NOT GLOB '*[^${characterClass}]*'`;
    return allowEmpty ? `(${none})` : `(${value} <> '' AND ${none})`;
  }

  /** Text comparison by code point. */
  collate(value: Sql): Sql {
    return this.postgres ? `(${value} COLLATE "C")` : value;
  }

  /** A text of digits as a 64-bit integer. */
  castInt(value: Sql): Sql {
    return this.postgres ? `CAST(${value} AS bigint)` : `CAST(${value} AS INTEGER)`;
  }

  /** A character by code point. */
  char(codePoint: number): Sql {
    return this.postgres ? `chr(${codePoint})` : `char(${codePoint})`;
  }

  /** Lower-cases ASCII letters only (PostgreSQL's "C" collation; SQLite's built-in lower). */
  lowerAscii(value: Sql): Sql {
    return this.postgres ? `lower(${value} COLLATE "C")` : `lower(${value})`;
  }

  /** Removes the characters of `characters` (a bound parameter) from both ends. */
  trim(value: Sql, characters: Sql): Sql {
    return this.postgres ? `btrim(${value}, ${characters})` : `trim(${value}, ${characters})`;
  }
}

/** A SQLite JSON path of quoted object labels: `$."a"."b"`. */
function sqlitePath(keys: readonly string[]): string {
  return `$${keys.map((key) => `."${key}"`).join('')}`;
}
