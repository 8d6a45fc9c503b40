import {
  AdapterError,
  assertWorkspaceId,
  ConfigError,
  isCxError,
  positionalSqlite,
  type SqlTables,
  type Storage,
} from '@cx/core';
import {
  type CompiledFunnel,
  compileFunnel,
  type EventMatcher,
  type FunnelDefinitionInput,
} from './definition';
import { buildFunnelResult, type FunnelFactRow, type FunnelResult } from './funnel-result';
import { type SqlDialect, sqlDialect } from './sql-dialect';
import { CANONICAL_CTE, canonicalProfilesCtes, personKeyExpression } from './sql-person';

const PROPS = 'properties';

function matcherSql(d: SqlDialect, matcher: EventMatcher): string {
  const parts = [`type = ${d.param(matcher.type)}`];
  if (matcher.type === 'track') parts.push(`body ->> 'event' = ${d.param(matcher.event)}`);
  else if (matcher.name !== undefined) parts.push(`body ->> 'name' = ${d.param(matcher.name)}`);
  for (const filter of matcher.where) {
    const path = [PROPS, ...filter.property.split('.')];
    switch (filter.op) {
      case 'eq':
        parts.push(`COALESCE(${d.jsonEquals(path, filter.value)}, ${d.name === 'postgres' ? 'false' : '0'})`);
        break;
      case 'neq':
        parts.push(
          `NOT COALESCE(${d.jsonEquals(path, filter.value)}, ${d.name === 'postgres' ? 'false' : '0'})`,
        );
        break;
      case 'in':
        parts.push(
          `COALESCE(${filter.values.map((value) => d.jsonEquals(path, value)).join(' OR ')}, ${d.name === 'postgres' ? 'false' : '0'})`,
        );
        break;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
        parts.push(
          `COALESCE(${d.numberCompare(path, op[filter.op], filter.value)}, ${d.name === 'postgres' ? 'false' : '0'})`,
        );
        break;
      }
      case 'exists':
        parts.push(d.exists(path));
        break;
      case 'notExists':
        parts.push(`NOT ${d.exists(path)}`);
        break;
    }
  }
  return `(CASE WHEN ${parts.join(' AND ')} THEN 1 ELSE 0 END)`;
}

/**
 * Builds the one SQL statement that computes a funnel, for PostgreSQL or SQLite. Exported for
 * inspection (`EXPLAIN`) and for benchmarks; {@link sqlFunnel} runs it.
 *
 * How it works: after numbering each partition's events (`pos`), one window pass per required step,
 * from the last back to the first, gives every event the greedy chain that starts at it: the
 * position and time of each later step's earliest match. Greedy chains are monotone in their
 * start, so "the chain of the first matching event after me" is a plain `MIN() OVER (following
 * rows)`, which both engines run in one sort. Windows and exclusions are applied at the entry,
 * the deepest attempt per person is kept, and a final pass ranks times for nearest-rank percentiles.
 * Under the `canonical` person key, a recursive CTE over the profiles table maps merged profiles to
 * their surviving one and is LEFT JOINed to the events (see `canonicalProfilesCtes`).
 */
export function funnelSql(
  funnel: CompiledFunnel,
  dialect: 'sqlite' | 'postgres',
  tables: Pick<SqlTables, 'events' | 'profiles'>,
  workspaceId: string,
): { text: string; params: unknown[] } {
  const d = sqlDialect(dialect);
  const { definition, required, optionalAfter, exclusions } = funnel;
  const n = definition.steps.length;
  const m = required.length;
  const strict = definition.order === 'strict';
  const any = definition.order === 'any';
  const partition = 'PARTITION BY person, hv ORDER BY ts, seq';
  const following = `(${partition} ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)`;

  const conditions = [`workspace_id = ${d.param(workspaceId)}`, `type IN ('track', 'page', 'screen')`];
  if (funnel.fromMs !== null) conditions.push(`ts >= ${d.int(funnel.fromMs)}`);
  if (funnel.toMs !== null) conditions.push(`ts < ${d.int(funnel.toMs)}`);
  const held =
    definition.holdConstant === undefined
      ? null
      : d.scalarJsonAt([PROPS, ...definition.holdConstant.split('.')]);
  if (held !== null) conditions.push(`${held} IS NOT NULL`);
  const stepFlags = definition.steps.map((step, k) => `${matcherSql(d, step)} AS s${k}`);
  const exclusionFlags = exclusions.map((rule, e) => `${matcherSql(d, rule.matcher)} AS x${e}`);
  const bd =
    definition.breakdown === undefined
      ? 'NULL'
      : d.scalarJsonAt([PROPS, ...definition.breakdown.property.split('.')]);
  const canonical = definition.personKey === 'canonical';
  const source = canonical
    ? `${tables.events} LEFT JOIN ${CANONICAL_CTE} ON ${CANONICAL_CTE}.id = profile_id`
    : tables.events;
  const base = `SELECT ${personKeyExpression(definition.personKey)} AS person, ${held ?? "''"} AS hv, ts, seq, ${bd} AS bd,
      ${[...stepFlags, ...exclusionFlags].join(',\n      ')}
    FROM ${source} WHERE ${conditions.join(' AND ')}`;
  const anyFlag = [...definition.steps.map((_, k) => `s${k}`), ...exclusions.map((_, e) => `x${e}`)].join(
    ' + ',
  );
  const ranked = `SELECT *, ROW_NUMBER() OVER (${partition}) AS pos FROM (${base}) AS b${strict ? '' : ` WHERE ${anyFlag} > 0`}`;

  const ctes: string[] = [
    ...(canonical ? canonicalProfilesCtes(d, tables.profiles, workspaceId) : []),
    `ranked AS (${ranked})`,
  ];
  let facts: string;
  if (any) {
    const range = `(PARTITION BY person, hv ORDER BY ts RANGE BETWEEN CURRENT ROW AND ${d.int(definition.windowMs)} FOLLOWING)`;
    const firsts = definition.steps.map(
      (_, k) => `MIN(CASE WHEN s${k} = 1 THEN ts END) OVER ${range} AS f${k}`,
    );
    ctes.push(`windows AS (SELECT person, ts, seq, bd, ${firsts.join(', ')} FROM ranked)`);
    const depth = definition.steps
      .map((_, k) => `(CASE WHEN f${k} IS NOT NULL THEN 1 ELSE 0 END)`)
      .join(' + ');
    ctes.push(
      `attempts AS (SELECT person, ts AS t0, seq AS seq0, bd AS label, ${depth} AS depth, ${d.greatest(
        definition.steps.map((_, k) => `f${k}`),
      )} - ts AS total FROM windows)`,
    );
    facts = [
      ...definition.steps.map(
        (_, k) =>
          `SELECT label, ${k} AS step, CAST(NULL AS BIGINT) AS dur FROM persons WHERE depth >= ${k + 1}`,
      ),
      `SELECT label, -1 AS step, total AS dur FROM persons WHERE depth = ${n}`,
    ].join('\n    UNION ALL ');
  } else {
    // Columns carried by the chain: p<q>/t<q> (position and time of required step q), b<q> (its
    // breakdown value, position-prefixed), op<k>/ot<k> (first match of optional step k after its
    // required step), xe<e> (first exclusion-e event after the exclusion's first step).
    const chainColumns = (q: number): string[] => {
      const columns = [`p${q}`, `t${q}`];
      if (definition.breakdown !== undefined) columns.push(`b${q}`);
      for (const [k, qp] of optionalAfter) if (qp === q) columns.push(`op${k}`, `ot${k}`);
      exclusions.forEach((rule, e) => {
        if (rule.a === q) columns.push(`xe${e}`);
      });
      return columns;
    };
    const own = (q: number): string[] => {
      const columns = [`pos AS p${q}`, `ts AS t${q}`];
      if (definition.breakdown !== undefined) columns.push(`${d.prefixed('pos', 'bd')} AS b${q}`);
      for (const [k, qp] of optionalAfter) {
        if (qp !== q) continue;
        columns.push(`MIN(CASE WHEN s${k} = 1 THEN pos END) OVER ${following} AS op${k}`);
        columns.push(`MIN(CASE WHEN s${k} = 1 THEN ts END) OVER ${following} AS ot${k}`);
      }
      exclusions.forEach((rule, e) => {
        if (rule.a === q) columns.push(`MIN(CASE WHEN x${e} = 1 THEN pos END) OVER ${following} AS xe${e}`);
      });
      return columns;
    };
    const nextOf = (flag: string, column: string, text: boolean): string => {
      if (strict) {
        const w = `(${partition})`;
        return `CASE WHEN LEAD(${flag}) OVER ${w} = 1 THEN LEAD(${column}) OVER ${w} END`;
      }
      const value = `CASE WHEN ${flag} = 1 THEN ${column} END`;
      return text ? `${d.minText(value)} OVER ${following}` : `MIN(${value}) OVER ${following}`;
    };
    const baseColumns =
      'person, hv, ts, seq, pos, bd, ' +
      [...definition.steps.map((_, k) => `s${k}`), ...exclusions.map((_, e) => `x${e}`)].join(', ');
    let previous = 'ranked';
    let carried: string[] = [];
    for (let q = m - 1; q >= 0; q--) {
      const columns = [...own(q)];
      for (const column of carried)
        columns.push(`${nextOf(`s${required[q + 1]}`, column, column.startsWith('b'))} AS ${column}`);
      ctes.push(`l${q} AS (SELECT ${baseColumns}, ${columns.join(', ')} FROM ${previous})`);
      previous = `l${q}`;
      carried = [...chainColumns(q), ...carried];
    }
    // Depth: how far the greedy chain from each entry goes before a window or exclusion stops it.
    const window = d.int(definition.windowMs);
    const cases: string[] = [];
    for (let q = 1; q < m; q++) {
      const k = required[q]!;
      const checks = [`p${q} IS NOT NULL`, `t${q} - t0 <= ${window}`];
      const within = definition.steps[k]!.withinMs;
      if (within !== undefined) checks.push(`t${q} - t${q - 1} <= ${d.int(within)}`);
      exclusions.forEach((rule, e) => {
        if (rule.b === q) checks.push(`(xe${e} IS NULL OR xe${e} >= p${q})`);
      });
      cases.push(`WHEN NOT (${checks.join(' AND ')}) THEN ${q}`);
    }
    const depth = m === 1 ? '1' : `CASE ${cases.join(' ')} ELSE ${m} END`;
    ctes.push(
      `attempts AS (SELECT person, t0 AS entry_ts, seq AS seq0, ${depth} AS depth, ${carried.join(', ')} FROM l0 WHERE s0 = 1)`,
    );
    const strip = (column: string) => `NULLIF(substr(${column}, 13), '')`;
    const label =
      definition.breakdown === undefined
        ? 'NULL'
        : definition.breakdown.attribution === 'first-touch'
          ? strip('b0')
          : `CASE depth ${required.map((_, q) => `WHEN ${q + 1} THEN ${strip(`b${q}`)}`).join(' ')} END`;
    const lines = [`SELECT label, 0 AS step, CAST(NULL AS BIGINT) AS dur FROM persons`];
    for (let q = 1; q < m; q++)
      lines.push(
        `SELECT label, ${required[q]} AS step, t${q} - t${q - 1} AS dur FROM persons WHERE depth >= ${q + 1}`,
      );
    for (const [k, qp] of optionalAfter) {
      const checks = [`depth >= ${qp + 1}`, `op${k} IS NOT NULL`, `ot${k} - t0 <= ${window}`];
      if (qp + 1 < m) checks.push(`(depth < ${qp + 2} OR op${k} < p${qp + 1})`);
      lines.push(
        `SELECT label, ${k} AS step, ot${k} - t${qp} AS dur FROM persons WHERE ${checks.join(' AND ')}`,
      );
    }
    lines.push(`SELECT label, -1 AS step, t${m - 1} - t0 AS dur FROM persons WHERE depth = ${m}`);
    facts = lines.join('\n    UNION ALL ');
    ctes.push(`labelled AS (SELECT *, ${label} AS label FROM attempts)`);
  }
  const scored = any ? 'attempts' : 'labelled';
  const entryTs = any ? 't0' : 'entry_ts';
  ctes.push(
    `chosen AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY person ORDER BY depth DESC, ${entryTs}, seq0) AS rk FROM ${scored})`,
    `persons AS (SELECT * FROM chosen WHERE rk = 1)`,
    `facts AS (${facts})`,
    definition.breakdown === undefined
      ? `grouped AS (SELECT 0 AS g, NULL AS label, step, dur FROM facts)`
      : `grouped AS (SELECT 0 AS g, NULL AS label, step, dur FROM facts UNION ALL SELECT 1 AS g, label, step, dur FROM facts)`,
    `ranked_facts AS (SELECT g, label, step, dur,
      ROW_NUMBER() OVER (PARTITION BY g, label, step ORDER BY dur) AS rn,
      COUNT(*) OVER (PARTITION BY g, label, step) AS n FROM grouped)`,
  );
  const text = `WITH ${canonical ? 'RECURSIVE ' : ''}${ctes.join(',\n')}
SELECT g, label, step, MAX(n) AS n,
  MAX(CASE WHEN rn = (n + 1) / 2 THEN dur END) AS p50,
  MAX(CASE WHEN rn = (9 * n + 9) / 10 THEN dur END) AS p90
FROM ranked_facts GROUP BY g, label, step`;
  return dialect === 'postgres' ? { text, params: d.params } : positionalSqlite(text, d.params);
}

/**
 * Computes a funnel inside the database with one SQL statement, on any storage adapter with the
 * `sql` capability (PostgreSQL, SQLite ≥ 3.38). Same semantics and same result as
 * {@link streamFunnel}; under the `canonical` person key (the default) merged profiles are
 * resolved in the same statement from the profiles table. Throws a `ConfigError` when the storage
 * has no SQL access.
 *
 * @example
 * ```ts
 * import { sqlFunnel } from '@cx/metrics';
 * const result = await sqlFunnel(storage, 'acme', {
 *   steps: [{ event: 'Product Viewed' }, { event: 'Product Added' }, { event: 'Order Completed' }],
 *   windowMs: 7 * 86_400_000,
 * });
 * console.log(result.steps.map((s) => `${s.label}: ${s.count}`));
 * ```
 */
export async function sqlFunnel(
  storage: Storage,
  workspaceId: string,
  definition: FunnelDefinitionInput,
): Promise<FunnelResult> {
  assertWorkspaceId(workspaceId);
  const funnel = compileFunnel(definition);
  if (!storage.capabilities.sql || storage.sql === undefined) {
    throw new ConfigError(`The ${storage.name} storage has no SQL access; use streamFunnel instead`);
  }
  const { text, params } = funnelSql(funnel, storage.sql.dialect, storage.sql.tables, workspaceId);
  let rows: Record<string, unknown>[];
  try {
    rows = await storage.sql.query(text, params);
  } catch (error) {
    if (isCxError(error)) throw error;
    throw new AdapterError({ adapter: storage.name, op: 'sql.query', cause: error });
  }
  return buildFunnelResult(funnel, rows.map(toFactRow));
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

function toFactRow(row: Record<string, unknown>): FunnelFactRow {
  return {
    group: Number(row.g) === 0 ? 0 : 1,
    breakdown: row.label === null || row.label === undefined ? null : String(row.label),
    step: Number(row.step),
    n: Number(row.n),
    p50: num(row.p50),
    p90: num(row.p90),
  };
}
