import { randomBytes } from 'node:crypto';
import { type Condition, compileCondition } from '@cx/core/conditions';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { conditionToSql, sqlParams } from '../src/sql/condition-sql';
import { JS_WHITESPACE } from '../src/sql/number-sql';

/*
 * conditionToSql against the JavaScript evaluator, on real SQLite and PostgreSQL: for random
 * conditions over random documents, whenever the compiler gives SQL, the rows it selects are
 * exactly the documents compileCondition(condition)(doc, {}, now) accepts.
 */

const NOW = Date.parse('2026-03-15T12:00:00.000Z');
const DAY = 86_400_000;
type Dialect = 'sqlite' | 'postgres';

// Values from small pools, so that conditions and documents meet often.
const strings = [
  'pro',
  'Pro',
  'PRO plan',
  'enterprise',
  'Enterprise Pro',
  '',
  ' ',
  'vn',
  'VN',
  'İstanbul',
  '\u212a',
  'ĐÀ NẴNG',
  'null',
  'true',
  'false',
  '[object Object]',
  'a,b',
  "it's",
  '%_*?[',
  '🚀 launch',
];
const numericStrings = [
  '0',
  '5',
  '10',
  ' 10 ',
  '\u00a010\n',
  '1e1',
  '10.0',
  '010',
  '.5',
  '5.',
  '+5',
  '-5',
  '-0',
  '0x10',
  '0XfF',
  '0b11',
  '0o7',
  '0x',
  '1_0',
  '1e400',
  '-1e400',
  '1e-400',
  'Infinity',
  '-Infinity',
  'infinity',
  '9007199254740993',
  '0.1',
  '0.30000000000000004',
  '2.5',
  '1769817600000',
];
const numbers = [
  0,
  1,
  5,
  10,
  -1,
  -5,
  2.5,
  0.1,
  1e21,
  1e-7,
  2 ** 53 + 1, // rounds to 2 ** 53
  2 ** 53,
  NOW,
  NOW - DAY,
  1769817600000,
];
const times = (ms: number) => {
  const iso = new Date(ms).toISOString();
  return [
    iso,
    `${iso.slice(0, 19)}Z`,
    `${iso.slice(0, 19)}.5Z`,
    `${iso.slice(0, 19)}+07:00`,
    iso.slice(0, 10),
  ];
};
const isoStrings = fc
  .tuple(fc.integer({ min: NOW - 20 * DAY, max: NOW + 2 * DAY }), fc.nat(4))
  .map(([ms, form]) => times(ms)[form] as string);
const badTimes = [
  '2026-02-30',
  '2026-03-14T10:00:00',
  '2026-03-14T24:00:00Z',
  '0000-01-01',
  '2026-3-14',
  'yesterday',
];

const scalar = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...strings) },
  { weight: 4, arbitrary: fc.constantFrom(...numericStrings) },
  { weight: 1, arbitrary: fc.stringMatching(/^[ ]?[+-]?[0-9]{0,3}(\.[0-9]{0,2})?(e[+-]?[0-9]{1,3})?$/) },
  { weight: 3, arbitrary: fc.constantFrom(...numbers) },
  { weight: 2, arbitrary: fc.integer({ min: NOW - 20 * DAY, max: NOW + 2 * DAY }) },
  { weight: 2, arbitrary: isoStrings },
  { weight: 1, arbitrary: fc.constantFrom(...badTimes) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constant(null) },
);
const attributeValue = fc.oneof(
  { weight: 8, arbitrary: scalar },
  { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: scalar.map((value) => [[value]]) },
  { weight: 1, arbitrary: fc.constantFrom([], [[]], [null], [[null, 1]]) },
  { weight: 1, arbitrary: fc.record({ a: scalar, b: scalar }, { requiredKeys: [] }) },
);
const documents = fc.record(
  { a: attributeValue, b: attributeValue, c: attributeValue, tags: attributeValue, d: attributeValue },
  { requiredKeys: [] },
);

const paths = fc.constantFrom(
  'a',
  'b',
  'c',
  'd',
  'c.a',
  'c.b',
  'c.0',
  'tags',
  'tags.0',
  'tags.1',
  'missing',
  'a.b',
);
const operandString = fc.oneof(
  fc.constantFrom(...strings),
  fc.constantFrom(...numericStrings),
  fc.constantFrom('o', 'P', 'ro', 'i', 'k', '10'),
);
const operandScalar = fc.oneof(operandString, fc.constantFrom(...numbers), fc.boolean(), fc.constant(null));
const operandTime = fc.oneof(
  isoStrings,
  fc.integer({ min: NOW - 20 * DAY, max: NOW + 2 * DAY }),
  fc.constantFrom('bad', '2026-02-30'),
);
const window = fc.record({
  amount: fc.oneof(fc.constantFrom(1, 2, 7, 0.5, 36), fc.constantFrom(0, -1)),
  unit: fc.constantFrom('minutes', 'hours', 'days', 'weeks', 'months'),
});

const { condition } = fc.letrec<{ condition: Condition; value: unknown; operators: Record<string, unknown> }>(
  (tie) => ({
    operators: fc.oneof(
      fc.record({ $eq: operandScalar }),
      fc.record({ $ne: operandScalar }),
      fc.record({ $gt: fc.constantFrom(...numbers) }),
      fc.record({ $gte: fc.constantFrom(...numbers) }),
      fc.record({ $lt: fc.constantFrom(...numbers) }),
      fc.record({ $lte: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
      fc.record({ $gt: fc.constantFrom(0, 4.5, 9.999999999999998), $lt: fc.constantFrom(10, 1e21, 0.1) }),
      fc.record({ $in: fc.array(operandScalar, { maxLength: 3 }) }),
      fc.record({ $nin: fc.array(operandScalar, { maxLength: 3 }) }),
      fc.record({ $ini: fc.array(operandScalar, { maxLength: 3 }) }),
      fc.record({ $nini: fc.array(operandScalar, { maxLength: 3 }) }),
      fc.record({ $exists: fc.boolean() }),
      fc.record({
        $type: fc.constantFrom('string', 'number', 'boolean', 'array', 'object', 'null', 'undefined', 'date'),
      }),
      fc.record({ $not: tie('value') }),
      fc.record({ $contains: operandString }),
      fc.record({ $containsi: operandString }),
      fc.record({ $startsWith: operandString }),
      fc.record({ $startsWithi: operandString }),
      fc.record({ $endsWith: operandString }),
      fc.record({ $endsWithi: operandString }),
      fc.record({ $eqi: operandString }),
      fc.record({ $nei: operandString }),
      fc.record({ $before: operandTime }),
      fc.record({ $after: operandTime }),
      fc.record({ $between: fc.tuple(operandTime, operandTime) }),
      fc.record({ $withinLast: window }),
      fc.record({ $notWithinLast: window }),
      fc.record({ $regex: fc.constantFrom('^p', 'o') }),
      fc.record({ $unknown: operandScalar }),
    ),
    value: fc.oneof({ weight: 3, arbitrary: operandScalar }, { weight: 6, arbitrary: tie('operators') }),
    condition: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.dictionary(paths, tie('value'), { minKeys: 1, maxKeys: 2 }) as fc.Arbitrary<Condition>,
      fc.record({ $or: fc.array(tie('condition'), { maxLength: 3 }) }),
      fc.record({ $and: fc.array(tie('condition'), { maxLength: 2 }) }),
      fc.record({ $nor: fc.array(tie('condition'), { maxLength: 2 }) }),
      fc.record({ $not: tie('condition') }),
    ),
  }),
);

let sqlite: Database.Database;
let pool: pg.Pool;
let table: string;
let docs: Record<string, unknown>[];

async function insertDocuments(values: readonly Record<string, unknown>[]): Promise<void> {
  sqlite.exec('DELETE FROM docs');
  const insert = sqlite.prepare('INSERT INTO docs (id, body) VALUES (?, ?)');
  for (const [id, doc] of values.entries()) insert.run(id, JSON.stringify(doc));
  await pool.query(`DELETE FROM ${table}`);
  await pool.query(`INSERT INTO ${table} (id, body) SELECT * FROM unnest($1::int[], $2::jsonb[])`, [
    values.map((_, id) => id),
    values.map((doc) => JSON.stringify(doc)),
  ]);
}

async function selectedIds(dialect: Dialect, where: string, params: unknown[]): Promise<number[]> {
  if (dialect === 'sqlite') {
    const statement = sqlite.prepare(`SELECT id FROM docs WHERE ${where} ORDER BY id`);
    const bound = Object.fromEntries(params.map((value, index) => [index + 1, value]));
    const rows = (params.length > 0 ? statement.all(bound) : statement.all()) as { id: number }[];
    return rows.map((row) => row.id);
  }
  const result = await pool.query<{ id: number }>(
    `SELECT id FROM ${table} WHERE ${where} ORDER BY id`,
    params,
  );
  return result.rows.map((row) => row.id);
}

function expectedIds(cond: Condition, values: readonly Record<string, unknown>[]): number[] {
  const test = compileCondition(cond);
  return values.flatMap((doc, id) => (test(doc, {}, NOW) ? [id] : []));
}

/** Runs `cond` in both databases; returns whether SQL was produced for each. */
async function check(
  cond: Condition,
  values: readonly Record<string, unknown>[],
): Promise<Record<Dialect, boolean>> {
  const expected = expectedIds(cond, values);
  const compiled = { sqlite: false, postgres: false };
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const p = sqlParams(dialect);
    const where = conditionToSql(cond, 'body', p, NOW);
    if (where === null) {
      expect(p.params).toEqual([]);
      continue;
    }
    compiled[dialect] = true;
    let actual: number[];
    try {
      actual = await selectedIds(dialect, where, p.params);
    } catch (error) {
      throw new Error(`${dialect} failed on ${JSON.stringify(cond)}: ${(error as Error).message}\n${where}`);
    }
    expect(actual, `${dialect}: ${JSON.stringify(cond)}`).toEqual(expected);
  }
  return compiled;
}

beforeAll(async () => {
  sqlite = new Database(':memory:');
  sqlite.exec('CREATE TABLE docs (id INTEGER, body TEXT)');
  pool = new pg.Pool({ connectionString: inject('postgresUrl'), max: 2, statement_timeout: 20_000 });
  pool.on('error', () => {});
  table = `condition_sql_${randomBytes(4).toString('hex')}`;
  await pool.query(`CREATE TABLE ${table} (id int, body jsonb)`);
  // JSON, as stored: what JavaScript reads back is what both databases hold.
  docs = fc.sample(documents, { numRuns: 80, seed: 20260315 }).map((doc) => JSON.parse(JSON.stringify(doc)));
  docs.push({ a: 'pro', c: { a: 5 } }, { a: [['10']], d: new Date(NOW - DAY).toISOString() }, {});
  await insertDocuments(docs);
});

afterAll(async () => {
  sqlite?.close();
  await pool?.query(`DROP TABLE IF EXISTS ${table}`);
  await pool?.end();
});

describe('conditionToSql against compileCondition', () => {
  it('selects exactly the documents JavaScript accepts, on SQLite and PostgreSQL', async () => {
    let compiled = 0;
    let refused = 0;
    let matches = 0;
    await fc.assert(
      fc.asyncProperty(condition, async (generated) => {
        const cond = structuredClone(generated);
        const result = await check(cond, docs);
        if (result.sqlite && result.postgres) compiled++;
        else refused++;
        matches += expectedIds(cond, docs).length;
      }),
      { numRuns: 150, seed: 42 },
    );
    // Most generated conditions must compile, or agreement would prove little.
    expect(compiled).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(0);
    expect(matches).toBeGreaterThan(150 * 5);
  });

  it("follows JavaScript's number coercions exactly (numeric strings, arrays, rounding)", async () => {
    const numericDocs = fc
      .sample(
        fc.oneof(
          fc.stringMatching(/^[ \t]?[+-]?[0-9]{0,20}(\.[0-9]{0,20})?([eE][+-]?[0-9]{1,3})?[ ]?$/),
          fc.stringMatching(/^0[xXoObB][0-9a-fA-F]{0,16}$/),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.constantFrom(...numericStrings, ...numbers),
        ),
        { numRuns: 120, seed: 7 },
      )
      .map((a, index) => (index % 5 === 0 ? { a: [a] } : { a }));
    const values = JSON.parse(JSON.stringify(numericDocs)) as Record<string, unknown>[];
    await insertDocuments(values);
    try {
      // Operands taken from the documents themselves hit the equality and rounding edges.
      const fromDocuments = values
        .map((doc) => Number(Array.isArray(doc.a) ? doc.a[0] : doc.a))
        .filter((n) => Number.isFinite(n));
      const operand = fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(0, 5, 10, 16, 255, 0.1, 0.3, 2 ** 53, 2 ** 53 + 2, 1e21, 5e-324, Number.MAX_VALUE),
        fc.constantFrom(...fromDocuments),
      );
      const op = fc.constantFrom('$gt', '$gte', '$lt', '$lte', 'literal', '$eq');
      await fc.assert(
        fc.asyncProperty(op, operand, async (name, n) => {
          const cond = name === 'literal' ? { a: n } : { a: { [name]: n } };
          const result = await check(cond, values);
          expect(result).toEqual({ sqlite: true, postgres: true });
        }),
        { numRuns: 80, seed: 11 },
      );
    } finally {
      await insertDocuments(docs);
    }
  });
});

describe('conditionToSql', () => {
  it('returns null, adding no parameters, for what it cannot express exactly', () => {
    const refused: Condition[] = [
      { a: { $regex: '^a' } },
      { a: { $regexi: 'a' } },
      { tags: { $elemMatch: { $eq: 'a' } } },
      { tags: { $all: ['a'] } },
      { tags: { $alli: ['a'] } },
      { tags: { $size: 2 } },
      { v: { $vgt: '1.2.0' } },
      { id: { $inGroup: 'beta' } },
      { id: { $notInGroup: 'beta' } },
      { $savedGroup: { id: 'g' } },
      { a: { $gt: 'b' } },
      { a: { $lt: null } },
      { a: { $gte: true } },
      { a: ['x', 'y'] },
      { a: { plan: 'pro' } },
      { a: {} },
      { a: 'x,y' },
      { a: { $containsi: 'Straße' } },
      { a: { $in: ['ÉTÉ'] }, b: { $ini: ['été'] } },
      { 'a.length': 1 },
      { 'a.constructor': 'x' },
      { $or: { a: 1 } as unknown as Condition[] },
      { $and: [{ a: 1 }, { b: { $size: 1 } }] },
      { $not: { a: { $regex: 'x' } } },
    ];
    for (const cond of refused) {
      for (const dialect of ['sqlite', 'postgres'] as const) {
        const p = sqlParams(dialect, ['earlier']);
        expect(conditionToSql(cond, 'body', p, NOW), `${dialect} ${JSON.stringify(cond)}`).toBeNull();
        expect(p.params).toEqual(['earlier']);
      }
    }
    // Per dialect: SQLite paths cannot quote `"`; PostgreSQL's #> reads `01` as an array index.
    expect(conditionToSql({ 'a"b': 1 }, 'body', sqlParams('sqlite'), NOW)).toBeNull();
    expect(conditionToSql({ 'a"b': 1 }, 'body', sqlParams('postgres'), NOW)).not.toBeNull();
    expect(conditionToSql({ 'tags.01': 1 }, 'body', sqlParams('postgres'), NOW)).toBeNull();
    expect(conditionToSql({ 'tags.01': 1 }, 'body', sqlParams('sqlite'), NOW)).not.toBeNull();
  });

  it("trims numeric strings with exactly JavaScript's whitespace", () => {
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code);
      expect(JS_WHITESPACE.includes(char), code.toString(16)).toBe(char.trim() === '');
    }
  });

  it('binds every value from the condition as a parameter, numbered after existing ones', () => {
    const hostile = "x'); DROP TABLE docs; --";
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const p = sqlParams(dialect, ['earlier']);
      const sql = conditionToSql({ [hostile]: { $contains: hostile }, a: hostile }, 'body', p, NOW) as string;
      expect(sql).not.toContain('DROP');
      expect(p.params).toContain(hostile);
      expect(sql).toContain(dialect === 'postgres' ? '$2' : '?2');
      expect(sql).not.toContain(dialect === 'postgres' ? '$1' : '?1');
    }
  });

  it("keeps JavaScript's quirks", async () => {
    const values = [
      {},
      { a: null },
      { a: 5 },
      { a: '5' },
      { a: ' 5\n' },
      { a: '0x5' },
      { a: [5] },
      { a: [['5']] },
      { a: [5, 6] },
      { a: '10' },
      { a: 'Pro Plan' },
      { a: '2026-03-14T19:00:00+07:00' },
      { a: NOW - DAY },
      { a: true },
      { a: [] },
      { a: [null] },
    ];
    await insertDocuments(values);
    try {
      const cases: [Condition, number[]][] = [
        [{ a: 'null' }, [0, 1]], // a missing attribute reads as null, and null + '' is 'null'
        [{ a: 5 }, [2, 3, 4, 5, 6, 7]],
        [{ a: '5' }, [2, 3, 6, 7]],
        [{ a: '' }, [14, 15]],
        [{ a: 0 }, [0, 1, 14, 15]],
        [{ a: { $gt: 5 } }, [9, 12]],
        [{ a: { $lte: 5 } }, [0, 1, 2, 3, 4, 5, 6, 7, 13, 14, 15]],
        [{ a: { $eq: 5 } }, [2]],
        [{ a: { $in: [5, 6] } }, [2, 6, 8]],
        [{ a: { $containsi: 'PLAN' } }, [10]],
        [{ a: { $nei: 'pro plan' } }, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15]],
        [{ a: { $withinLast: { amount: 1, unit: 'days' } } }, [11, 12]],
        [{ a: { $before: '2026-03-14T12:00:00.001Z' } }, [2, 11, 12]], // 5 is 5 ms after 1970
        [{ a: true }, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
        [{ a: { $unknownOperator: 1 } }, []],
      ];
      for (const [cond, expected] of cases) {
        expect(expectedIds(cond, values), JSON.stringify(cond)).toEqual(expected);
        expect(await check(cond, values)).toEqual({ sqlite: true, postgres: true });
      }
    } finally {
      await insertDocuments(docs);
    }
  });
});
