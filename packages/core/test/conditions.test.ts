import { describe, expect, it } from 'vitest';
import { type Condition, compileCondition, evalCondition, type SavedGroups } from '../src/conditions';

/*
 * Cases from GrowthBook's SDK specification (growthbook/growthbook, packages/sdk-js/test/cases.json,
 * section "evalCondition", MIT), plus cx's own cases for the quirks the spec leaves implicit. The
 * full differential test against the GrowthBook SDK lives in @cx/abtest.
 */
type Case = [name: string, condition: Condition, attributes: Record<string, unknown>, expected: boolean];

const santa: Condition = {
  $and: [{ 'father.age': { $gt: 65 } }, { $or: [{ bday: { $regex: '-12-25$' } }, { name: 'santa' }] }],
};

const cases: Case[] = [
  ['$not pass', { $not: { name: 'hello' } }, { name: 'world' }, true],
  ['$not fail', { $not: { name: 'hello' } }, { name: 'hello' }, false],
  ['$and/$or all true', santa, { name: 'santa', bday: '1980-12-25', father: { age: 70 } }, true],
  ['$and/$or first or true', santa, { name: 'santa', bday: '1980-12-20', father: { age: 70 } }, true],
  ['$and/$or first and false', santa, { name: 'santa', bday: '1980-12-25', father: { age: 65 } }, false],
  ['$and/$or both or false', santa, { name: 'barbara', bday: '1980-11-25', father: { age: 70 } }, false],
  ['$nor pass', { $nor: [{ a: 1 }, { b: 2 }] }, { a: 2, b: 3 }, true],
  ['$nor fail', { $nor: [{ a: 1 }, { b: 2 }] }, { a: 2, b: 2 }, false],
  ['$exists false pass', { 'pets.dog.name': { $exists: false } }, { hello: 'world' }, true],
  ['$exists false fail', { 'pets.dog.name': { $exists: false } }, { pets: { dog: { name: 'fido' } } }, false],
  ['$exists true fail', { 'pets.dog.name': { $exists: true } }, { hello: 'world' }, false],
  ['$exists true pass', { 'pets.dog.name': { $exists: true } }, { pets: { dog: { name: 'fido' } } }, true],
  ['equals, several types', { str: 'str', num: 10, flag: false }, { str: 'str', num: 10, flag: false }, true],
  ['$in pass', { num: { $in: [1, 2, 3] } }, { num: 2 }, true],
  ['$in fail', { num: { $in: [1, 2, 3] } }, { num: 4 }, false],
  ['$in not an array', { num: { $in: 1 } }, { num: 1 }, false],
  ['$in array attribute intersects', { tags: { $in: ['a', 'b'] } }, { tags: ['d', 'e', 'a'] }, true],
  ['$in empty array attribute', { tags: { $in: ['a', 'b'] } }, { tags: [] }, false],
  ['$nin pass', { num: { $nin: [1, 2, 3] } }, { num: 4 }, true],
  ['$nin array attribute fail', { tags: { $nin: ['a', 'b'] } }, { tags: ['d', 'b', 'f'] }, false],
  ['$nin empty array attribute', { tags: { $nin: ['a', 'b'] } }, { tags: [] }, true],
  ['$ini case-insensitive', { country: { $ini: ['vn'] } }, { country: 'VN' }, true],
  ['$nini case-insensitive', { country: { $nini: ['vn'] } }, { country: 'VN' }, false],
  ['$elemMatch flat pass', { nums: { $elemMatch: { $gt: 10 } } }, { nums: [0, 5, -20, 15] }, true],
  ['$elemMatch flat fail', { nums: { $elemMatch: { $gt: 10 } } }, { nums: [0, 5, -20, 8] }, false],
  [
    '$elemMatch nested condition',
    { hobbies: { $elemMatch: { name: { $regex: '^ping' } } } },
    { hobbies: [{ name: 'bowling' }, { name: 'pingpong' }] },
    true,
  ],
  ['$elemMatch keeps falsy members', { flags: { $elemMatch: { $eq: 0 } } }, { flags: [null, 0] }, true],
  ['$elemMatch not an array', { nums: { $elemMatch: { $gt: 1 } } }, { nums: 5 }, false],
  ['missing attribute', { 'pets.dog.name': { $in: ['fido'] } }, { hello: 'world' }, false],
  [
    'missing attribute with comparisons (null coerces to 0)',
    { age: { $gt: -10, $lt: 10, $gte: -9, $lte: 9, $ne: 10 } },
    {},
    true,
  ],
  ['numbers against numeric strings', { n: { $gt: 5, $lt: 10 } }, { n: '8' }, true],
  ['numeric strings against numbers', { n: { $gt: '5', $lt: '10' } }, { n: 8 }, true],
  ['empty $or passes', { $or: [] }, { hello: 'world' }, true],
  ['empty $and passes', { $and: [] }, { hello: 'world' }, true],
  ['empty condition passes', {}, { hello: 'world' }, true],
  ['$eq pass', { occupation: { $eq: 'engineer' } }, { occupation: 'engineer' }, true],
  ['$ne fail', { level: { $ne: 'senior' } }, { level: 'senior' }, false],
  [
    '$regex pass',
    { userAgent: { $regex: '(Mobile|Tablet)' } },
    { userAgent: 'Android Mobile Browser' },
    true,
  ],
  ['$regex fail', { userAgent: { $regex: '(Mobile|Tablet)' } }, { userAgent: 'Chrome Desktop' }, false],
  ['$regexi', { userAgent: { $regexi: 'mobile' } }, { userAgent: 'Android MOBILE' }, true],
  ['$regex invalid is false', { userAgent: { $regex: '(' } }, { userAgent: '(' }, false],
  ['$gt/$lt strings pass', { word: { $gt: 'alphabet', $lt: 'zebra' } }, { word: 'always' }, true],
  ['$gt/$lt strings uppercase', { word: { $gt: 'alphabet', $lt: 'zebra' } }, { word: 'AZL' }, false],
  ['nested value is null', { 'address.state': 'CA' }, { address: null }, false],
  ['nested value is a number', { 'address.state': 'CA' }, { address: 123 }, false],
  ['$type string', { a: { $type: 'string' } }, { a: 'a' }, true],
  ['$type null', { a: { $type: 'null' } }, { a: null }, true],
  ['$type array', { a: { $type: 'array' } }, { a: [1] }, true],
  ['$type object fail on array', { a: { $type: 'object' } }, { a: [1] }, false],
  ['$type missing is null', { a: { $type: 'null' } }, {}, true],
  ['$size pass', { tags: { $size: 3 } }, { tags: ['a', 'b', 'c'] }, true],
  ['$size with operator', { tags: { $size: { $gt: 2 } } }, { tags: ['a', 'b', 'c'] }, true],
  ['$size not an array', { tags: { $size: 1 } }, { tags: 'a' }, false],
  ['$all pass', { tags: { $all: ['a', 'c'] } }, { tags: ['a', 'b', 'c'] }, true],
  ['$all fail', { tags: { $all: ['a', 'd'] } }, { tags: ['a', 'b', 'c'] }, false],
  ['$alli pass', { tags: { $alli: ['A', 'C'] } }, { tags: ['a', 'b', 'c'] }, true],
  ['$not operator', { name: { $not: { $regex: '^hello' } } }, { name: 'world' }, true],
  ['array literal compares by JSON', { tags: ['a', 'b'] }, { tags: ['a', 'b'] }, true],
  ['array literal order matters', { tags: ['a', 'b'] }, { tags: ['b', 'a'] }, false],
  ['object literal compares by JSON', { loc: { city: 'HN' } }, { loc: { city: 'HN' } }, true],
  ['null literal', { email: null }, {}, true],
  ['boolean literal, missing is not false', { beta: false }, {}, false],
  ['boolean literal truthiness', { beta: true }, { beta: 1 }, true],
  ['string literal coerces', { age: '30' }, { age: 30 }, true],
  ['number literal coerces', { age: 30 }, { age: '30' }, true],
  ['path into array index', { 'tags.0': 'a' }, { tags: ['a'] }, true],
  ['$veq', { v: { $veq: '1.2.3' } }, { v: 'v1.2.3+build5' }, true],
  ['$vgt numeric parts', { v: { $vgt: '1.9.0' } }, { v: '1.10.0' }, true],
  ['$vgt prerelease sorts first', { v: { $vgt: '1.0.0-beta' } }, { v: '1.0.0' }, true],
  ['$vlt prerelease', { v: { $vlt: '1.0.0' } }, { v: '1.0.0-rc.1' }, true],
  ['$vgte', { v: { $vgte: '2.0.0' } }, { v: '2.0.0' }, true],
  ['$vlte', { v: { $vlte: '2.0.0' } }, { v: '2.0.1' }, false],
  ['$vne', { v: { $vne: '2.0.0' } }, { v: '2.0.1' }, true],
  ['unknown value operator is false (GrowthBook fallback)', { age: { $gtee: 1 } }, { age: 5 }, false],
  [
    'unknown top-level $key is read as a path',
    { $groups: { $elemMatch: { $eq: 'a' } } },
    { $groups: ['a'] },
    true,
  ],
];

describe('evalCondition (GrowthBook semantics)', () => {
  it.each(cases)('%s', (_name, condition, attributes, expected) => {
    expect(evalCondition(attributes, condition)).toBe(expected);
    expect(compileCondition(condition)(attributes)).toBe(expected);
  });
});

describe('saved groups', () => {
  const groups: SavedGroups = {
    legacy: ['u1', 'u2', 3],
    typed: { type: 'list', attributeKey: 'email', values: ['a@x.vn'] },
    adults: { type: 'condition', condition: { age: { $gte: 18 } } },
    loopA: { type: 'condition', condition: { $savedGroup: { id: 'loopB' } } },
    loopB: { type: 'condition', condition: { $savedGroup: { id: 'loopA' } } },
  };

  it('$inGroup and $notInGroup read list groups; an unknown id is an empty list', () => {
    expect(evalCondition({ id: 'u1' }, { id: { $inGroup: 'legacy' } }, groups)).toBe(true);
    expect(evalCondition({ id: 3 }, { id: { $inGroup: 'legacy' } }, groups)).toBe(true);
    expect(evalCondition({ id: 'u9' }, { id: { $notInGroup: 'legacy' } }, groups)).toBe(true);
    expect(evalCondition({ email: 'a@x.vn' }, { email: { $inGroup: 'typed' } }, groups)).toBe(true);
    expect(evalCondition({ id: 'u1' }, { id: { $inGroup: 'missing' } }, groups)).toBe(false);
    expect(evalCondition({ id: 'u1' }, { id: { $notInGroup: 'missing' } }, groups)).toBe(true);
  });

  it('$notInGroup on a condition group matches nobody rather than everybody', () => {
    expect(evalCondition({ id: 'u1' }, { id: { $notInGroup: 'adults' } }, groups)).toBe(false);
  });

  it('$savedGroup resolves list and condition groups and stops cycles', () => {
    expect(evalCondition({ email: 'a@x.vn' }, { $savedGroup: { id: 'typed' } }, groups)).toBe(true);
    expect(
      evalCondition({ mail: 'a@x.vn' }, { $savedGroup: { id: 'typed', attributeKey: 'mail' } }, groups),
    ).toBe(true);
    expect(evalCondition({ age: 20 }, { $savedGroup: { id: 'adults' } }, groups)).toBe(true);
    expect(evalCondition({ age: 10 }, { $savedGroup: { id: 'adults' } }, groups)).toBe(false);
    expect(evalCondition({}, { $savedGroup: { id: 'loopA' } }, groups)).toBe(false);
    expect(evalCondition({}, { $savedGroup: { id: 'nope' } }, groups)).toBe(false);
  });

  it('reads saved groups at call time, so a compiled condition sees updates', () => {
    const live: SavedGroups = { beta: ['u1'] };
    const inBeta = compileCondition({ id: { $inGroup: 'beta' } });
    expect(inBeta({ id: 'u2' }, live)).toBe(false);
    live.beta = ['u1', 'u2'];
    expect(inBeta({ id: 'u2' }, live)).toBe(true);
  });
});
