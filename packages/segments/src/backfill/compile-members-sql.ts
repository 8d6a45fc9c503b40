import { positionalSqlite, type SqlAccess } from '@cx/core';
import type { Condition } from '@cx/core/conditions';
import type { ComputedTraitDefinition } from '../definition/computed-trait-schema';
import { durationMs } from '../definition/duration';
import type { SegmentDefinition, SegmentNode } from '../definition/segment-schema';
import { valueTestCondition } from '../definition/value-test';
import { type WindowBounds, windowBounds } from '../definition/window';
import { conditionToSql, type SqlParams, sqlParams } from '../sql/condition-sql';
import type { MembersContext } from './stream-members';

/** A statement and its parameters. */
export interface CompiledSql {
  text: string;
  params: unknown[];
}

/** Thrown inside the compiler when a node has no exact SQL form; the caller streams instead. */
class NotExpressible extends Error {}

/**
 * Compiles a segment to one SQL statement that returns its members at `now` (`pid`, canonical
 * profile ids of the profile store), or `null` when some part has no exact SQL form here (a
 * bucket on SQLite, a condition operator the SQL compiler leaves to JavaScript, a computed trait
 * kind other than count, sum and avg): then the backfill streams the log through the real-time
 * engine's own code.
 *
 * Each event leaf becomes one aggregate over the events of its name (grouped by the canonical
 * profile, through the `merged_into` chains), LEFT JOINed to the profiles; the tree becomes the
 * WHERE clause. Semantics are the real-time engine's, to the tie: first/last by (time, log order),
 * sequences strictly ordered by (time, log order).
 */
export function compileMembersSql(
  sql: SqlAccess,
  workspaceId: string,
  definition: SegmentDefinition,
  context: MembersContext,
): CompiledSql | null {
  const p = sqlParams(sql.dialect);
  const pg = sql.dialect === 'postgres';
  const ws = () => p.param(workspaceId);
  const num = (value: number) => (pg ? `${p.param(value)}::bigint` : p.param(value));
  const ctes: string[] = [];
  const joins: string[] = [];
  const { now } = context;
  const props = pg
    ? `COALESCE(ev.body -> 'properties', '{}'::jsonb)`
    : `COALESCE(json_extract(ev.body, '$.properties'), '{}')`;
  const nameOf = pg
    ? `(CASE ev.type WHEN 'track' THEN ev.body ->> 'event' WHEN 'page' THEN 'Page Viewed' WHEN 'screen' THEN 'Screen Viewed' END)`
    : `(CASE ev.type WHEN 'track' THEN json_extract(ev.body, '$.event') WHEN 'page' THEN 'Page Viewed' WHEN 'screen' THEN 'Screen Viewed' END)`;

  /** The event-name test on the events table itself (no CASE over every row's type). */
  const rawNameMatch = (alias: string, event: string) => {
    const track = `(${alias}.type = 'track' AND ${pg ? `${alias}.body ->> 'event'` : `json_extract(${alias}.body, '$.event')`} = ${p.param(event)})`;
    if (event === 'Page Viewed') return `(${alias}.type = 'page' OR ${track})`;
    if (event === 'Screen Viewed') return `(${alias}.type = 'screen' OR ${track})`;
    return track;
  };
  const condition = (where: Condition | undefined, json: string) => {
    if (where === undefined) return 'TRUE';
    const text = conditionToSql(where, json, p, now);
    if (text === null) throw new NotExpressible();
    return text;
  };
  /** Events of one name passing `where`, as `pid, seq, ts, props` rows. */
  const matching = (alias: string, event: string, where: Condition | undefined) =>
    `${alias}.name = ${p.param(event)} AND ${condition(where, props.replaceAll('ev.', `${alias}.`))}`;
  const windowTest = (bounds: WindowBounds, ts: string) => {
    if (bounds === null) return 'TRUE';
    if ('rollingMs' in bounds) return `${ts} > ${num(now - bounds.rollingMs)}`;
    return `(${ts} >= ${num(bounds.fromMs)} AND ${ts} < ${num(bounds.toMs)})`;
  };
  let leaves = 0;
  let sequences = 0;
  const cte = (body: string, required = false) => {
    const name = `leaf_${++leaves}`;
    ctes.push(`${name} AS (${body})`);
    // A leaf every member must have rows in (under an AND from the root) is an inner join: the
    // planner can then start from the few people with matching events.
    joins.push(`${required ? 'JOIN' : 'LEFT JOIN'} ${name} ON ${name}.pid = people.pid`);
    return name;
  };

  /** `required`: the node sits under ANDs only, from the root: it must hold for every member. */
  const compile = (node: SegmentNode, trail: readonly string[], required = false): string => {
    switch (node.type) {
      case 'and':
      case 'or':
        return `(${node.nodes
          .map((child) => compile(child, trail, required && node.type === 'and'))
          .join(node.type === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `(NOT ${compile(node.node, trail)})`;
      case 'trait':
        return `(${condition(node.condition, 'people.traits')})`;
      case 'performed':
      case 'notPerformed': {
        const test =
          node.type === 'notPerformed'
            ? { op: 'eq' as const, value: 0 }
            : (node.count ?? { op: 'gte' as const, value: 1 });
        // Counted per stored profile first (a plain aggregate over the table, which PostgreSQL
        // runs in parallel), then summed per surviving profile.
        const name = cte(
          `SELECT COALESCE(canonical.root, x.profile_id) AS pid, SUM(x.n) AS n FROM (SELECT e.profile_id, COUNT(*) AS n FROM ${sql.tables.events} e WHERE e.workspace_id = ${ws()} AND e.profile_id IS NOT NULL AND ${rawNameMatch('e', node.event)} AND ${condition(node.where, props.replaceAll('ev.', 'e.'))} AND ${windowTest(windowBounds(node.window), 'e.ts')} GROUP BY e.profile_id) x LEFT JOIN canonical ON canonical.id = x.profile_id GROUP BY COALESCE(canonical.root, x.profile_id)`,
          required && test.value >= 1 && test.op !== 'lt',
        );
        const op = test.op === 'gte' ? '>=' : test.op === 'eq' ? '=' : '<';
        return `(COALESCE(${name}.n, 0) ${op} ${num(test.value)})`;
      }
      case 'firstPerformed':
      case 'lastPerformed': {
        const order = node.type === 'firstPerformed' ? 'ev.ts ASC, ev.seq ASC' : 'ev.ts DESC, ev.seq DESC';
        const name = cte(
          `SELECT pid, ts, props FROM (SELECT ev.pid, ev.ts, ${props} AS props, ROW_NUMBER() OVER (PARTITION BY ev.pid ORDER BY ${order}) AS rn FROM ev WHERE ${matching('ev', node.event, node.where)}) ranked WHERE rn = 1`,
          required,
        );
        return `(${name}.pid IS NOT NULL AND ${windowTest(windowBounds(node.window), `${name}.ts`)} AND ${condition(node.properties, `${name}.props`)})`;
      }
      case 'sequence': {
        // Each step's events once (materialised), then a join per step on the person, ordered
        // by (time, log order), the last within `within` of the first.
        const within = num(durationMs(node.within));
        const prefix = `seq_${++sequences}`;
        const aliases = node.steps.map((step, index) => {
          ctes.push(
            `${prefix}_${index} AS MATERIALIZED (SELECT ev.pid, ev.seq, ev.ts FROM ev WHERE ${matching('ev', step.event, step.where)})`,
          );
          return `s${index}`;
        });
        const last = aliases[aliases.length - 1]!;
        const joins = aliases.slice(1).map((alias, index) => {
          const before = aliases[index]!;
          return `JOIN ${prefix}_${index + 1} ${alias} ON ${alias}.pid = s0.pid AND (${alias}.ts > ${before}.ts OR (${alias}.ts = ${before}.ts AND ${alias}.seq > ${before}.seq)) AND ${alias}.ts - s0.ts <= ${within}`;
        });
        const bounds = windowBounds(node.window);
        const absolute =
          bounds !== null && 'fromMs' in bounds ? `WHERE ${windowTest(bounds, `${last}.ts`)}` : '';
        const name = cte(
          `SELECT s0.pid, MAX(${last}.ts) AS done FROM ${prefix}_0 s0 ${joins.join(' ')} ${absolute} GROUP BY s0.pid`,
          required,
        );
        const rolling =
          bounds !== null && 'rollingMs' in bounds ? windowTest(bounds, `${name}.done`) : 'TRUE';
        return `(${name}.pid IS NOT NULL AND ${rolling})`;
      }
      case 'inSegment': {
        const other = context.segments.get(node.segment);
        if (!other || trail.includes(node.segment)) throw new NotExpressible();
        return compile(other.node, [...trail, node.segment]);
      }
      case 'bucket': {
        if (!pg) throw new NotExpressible(); // SQLite has no MD5; the stream computes it
        const salted = `${p.param(`${node.salt ?? ''}:`)} || people.pid`;
        const bucket = `((('x' || substr(md5(${salted}), 1, 8))::bit(32)::bigint) % 10000)`;
        return `(${bucket} >= ${num(Math.round(node.from * 100))} AND ${bucket} < ${num(Math.round(node.to * 100))})`;
      }
      case 'computed': {
        const trait = context.computedTraits.get(node.trait);
        if (!trait) throw new NotExpressible();
        const value = computedValueSql(trait, cte);
        const json = pg ? `jsonb_build_object('value', ${value})` : `json_object('value', ${value})`;
        return `(${condition(valueTestCondition(node.test), json)})`;
      }
    }
  };

  /** A count, sum or average of a property over the trait's window, as SQL; others stream. */
  const computedValueSql = (trait: ComputedTraitDefinition, makeCte: (body: string) => string) => {
    const path = trait.property?.split('.') ?? [];
    const valueAt = (json: string) =>
      pg
        ? `(${json} #> ${p.param(path)}::text[])`
        : `json_extract(${json}, ${p.param(`$${path.map((part) => `."${part}"`).join('')}`)})`;
    const typeAt = (json: string) =>
      pg
        ? `jsonb_typeof(${valueAt(json)})`
        : `json_type(${json}, ${p.param(`$${path.map((part) => `."${part}"`).join('')}`)})`;
    // Built only when used: each call binds its own parameters.
    const present = () => {
      if (path.length === 0) return 'TRUE';
      return pg ? `COALESCE(${typeAt(props)} <> 'null', FALSE)` : `COALESCE(${typeAt(props)} <> 'null', 0)`;
    };
    const numeric = () => (pg ? `${typeAt(props)} = 'number'` : `${typeAt(props)} IN ('integer', 'real')`);
    const number = () => (pg ? `(${valueAt(props)})::text::double precision` : `${valueAt(props)}`);
    const base = `FROM ev WHERE ${matching('ev', trait.event, trait.where)} AND ${windowTest(windowBounds(trait.window), 'ev.ts')}`;
    switch (trait.kind) {
      case 'count': {
        const name = makeCte(`SELECT ev.pid, COUNT(*) AS v ${base} AND ${present()} GROUP BY ev.pid`);
        return `COALESCE(${name}.v, 0)`;
      }
      case 'sum': {
        const name = makeCte(
          `SELECT ev.pid, SUM(CASE WHEN ${numeric()} THEN ${number()} END) AS v ${base} GROUP BY ev.pid`,
        );
        return `COALESCE(${name}.v, 0)`;
      }
      case 'avg': {
        const name = makeCte(
          `SELECT ev.pid, AVG(CASE WHEN ${numeric()} THEN ${number()} END) AS v ${base} GROUP BY ev.pid`,
        );
        return `${name}.v`;
      }
      default:
        throw new NotExpressible();
    }
  };

  let where: string;
  try {
    where = compile(definition.node, [definition.id], true);
  } catch (error) {
    if (error instanceof NotExpressible) return null;
    throw error;
  }
  const { events, profiles } = sql.tables;
  const text = `WITH RECURSIVE
merge_chain(id, target) AS (
  SELECT id, merged_into FROM ${profiles} WHERE workspace_id = ${ws()} AND merged_into IS NOT NULL
  UNION
  SELECT c.id, pr.merged_into FROM merge_chain c JOIN ${profiles} pr ON pr.workspace_id = ${ws()} AND pr.id = c.target
  WHERE pr.merged_into IS NOT NULL),
canonical AS (SELECT c.id, c.target AS root FROM merge_chain c
  JOIN ${profiles} pr ON pr.workspace_id = ${ws()} AND pr.id = c.target AND pr.merged_into IS NULL),
ev AS NOT MATERIALIZED (SELECT COALESCE(canonical.root, e.profile_id) AS pid, e.seq, e.ts, e.type, e.body,
    ${nameOf.replaceAll('ev.', 'e.')} AS name
  FROM ${events} e LEFT JOIN canonical ON canonical.id = e.profile_id
  WHERE e.workspace_id = ${ws()} AND e.profile_id IS NOT NULL AND e.type IN ('track', 'page', 'screen')),
people AS (SELECT id AS pid, traits FROM ${profiles} WHERE workspace_id = ${ws()} AND merged_into IS NULL)${ctes.length > 0 ? ',\n' : ''}${ctes.join(',\n')}
SELECT people.pid FROM people
${joins.join('\n')}
WHERE ${where}
ORDER BY people.pid`;
  return pg ? { text, params: p.params } : positionalSqlite(text, p.params);
}

export type { SqlParams };
