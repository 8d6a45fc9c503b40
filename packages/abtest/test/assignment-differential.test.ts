import { type Experiment as GbExperiment, GrowthBookClient, type UserContext } from '@growthbook/growthbook';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type AssignmentResult,
  chooseVariation,
  compileExperiment,
  type ExperimentConfig,
  getBucketRanges,
  getEqualWeights,
  hash,
  inNamespace,
  type StickyAssignmentsDocument,
} from '../src';
import { gbUtil } from './helpers/growthbook-oracle';
import { pick, randomId, seededRandom } from './helpers/random';

/*
 * Differential test: cx and the real @growthbook/growthbook SDK (a devDependency) assign the
 * same randomly generated users to the same randomly generated experiments. Any difference in
 * hashing, ranges, coverage, namespaces, filters, forced variations, targeting or sticky
 * buckets shows up as a mismatch.
 */

let restore: () => void;
beforeAll(() => {
  // GrowthBook logs every fallback it takes (invalid weights, coverage out of range).
  const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
  restore = () => spy.mockRestore();
});
afterAll(() => restore());

const project = (result: AssignmentResult | object) => {
  const r = result as Record<string, unknown>;
  return {
    inExperiment: r.inExperiment,
    variationId: r.variationId,
    key: r.key,
    value: r.value,
    hashUsed: r.hashUsed,
    hashAttribute: r.hashAttribute,
    hashValue: r.hashValue,
    bucket: r.bucket,
    stickyBucketUsed: r.stickyBucketUsed,
    name: r.name,
    passthrough: r.passthrough,
  };
};

describe('primitives against GrowthBook util', () => {
  it('hash agrees for 100,000 random seeds and values, versions 1, 2 and unknown', () => {
    const random = seededRandom(1);
    let mismatches = 0;
    for (let i = 0; i < 100_000; i++) {
      const seed = random() < 0.2 ? '' : randomId(random);
      const value = randomId(random);
      const version = pick(random, [1, 2, 2, 3]);
      if (hash(seed, value, version) !== gbUtil.hash(seed, value, version)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('getBucketRanges, chooseVariation, inNamespace and getEqualWeights agree', () => {
    const random = seededRandom(2);
    for (let i = 0; i < 5_000; i++) {
      const n = Math.floor(random() * 6);
      const coverage = pick(random, [undefined, 1, 0.5, 0.2, 0, -0.5, 1.5, random()]);
      const weights = pick(random, [
        undefined,
        getEqualWeights(n),
        [0.2, 0.3, 0.5],
        [0.1, 0.9],
        [0.5, 0.6],
        [0.25, 0.25, 0.25, 0.25],
        [0.333, 0.333, 0.333],
      ]);
      const ranges = getBucketRanges(n, coverage, weights);
      expect(ranges).toEqual(gbUtil.getBucketRanges(n, coverage, weights && [...weights]));
      const x = pick(random, [random(), 0, 0.5, 0.25, 0.2, 0.04, 0.9999, 1]);
      expect(chooseVariation(x, ranges)).toBe(gbUtil.chooseVariation(x, ranges));
      expect(getEqualWeights(n)).toEqual(gbUtil.getEqualWeights(n));
      const id = randomId(random);
      const ns: [string, number, number] = [
        randomId(random),
        pick(random, [0, 0.2, random() / 2]),
        pick(random, [0.5, 0.75, 0.5 + random() / 2]),
      ];
      expect(inNamespace(id, ns)).toBe(gbUtil.inNamespace(id, ns));
    }
  });
});

const conditions = [
  undefined,
  { country: { $in: ['VN', 'TH'] } },
  { age: { $gte: 18, $lt: 65 } },
  { $or: [{ plan: 'pro' }, { 'company.seats': { $gt: 10 } }] },
  { tags: { $elemMatch: { $eq: 'vip' } } },
  { appVersion: { $vgte: '2.4.0' } },
  { email: { $regex: '@example\\.(com|vn)$' } },
  { id: { $inGroup: 'beta' } },
  { $not: { country: 'US' } },
  { plan: { $exists: true }, $nor: [{ plan: 'free' }] },
];
const savedGroups = { beta: [] as string[] };

function randomAttributes(random: () => number, id: string): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  if (random() > 0.03) attributes.id = random() < 0.05 ? Math.floor(random() * 1000) : id;
  if (random() < 0.5) attributes.deviceId = randomId(random);
  attributes.country = pick(random, ['VN', 'TH', 'US', 'vn', undefined]);
  attributes.age = pick(random, [12, 18, 30, 64, 65, '40', null]);
  attributes.plan = pick(random, ['free', 'pro', undefined]);
  attributes.company = pick(random, [{ seats: 5 }, { seats: 50 }, null, undefined]);
  attributes.tags = pick(random, [['vip'], ['new', 'vip'], [], undefined, 'vip']);
  attributes.appVersion = pick(random, ['2.3.9', '2.4.0', '2.10.1', 'v3.0.0-beta', undefined, 2]);
  attributes.email = pick(random, ['a@example.com', 'b@example.vn', 'c@other.org', undefined]);
  return attributes;
}

function randomExperiment(random: () => number, index: number): ExperimentConfig<string> {
  const n = pick(random, [2, 2, 3, 3, 3, 4, 1, 0]);
  const variations = Array.from({ length: n }, (_, i) => `v${i}`);
  const experiment: ExperimentConfig<string> = { key: `exp-${index}-${randomId(random)}`, variations };
  const maybe = (probability: number) => random() < probability;
  if (maybe(0.6)) {
    experiment.weights = pick(random, [
      getEqualWeights(n),
      n === 3 ? [0.2, 0.3, 0.5] : getEqualWeights(n),
      n === 2 ? [0.1, 0.9] : getEqualWeights(n),
      [0.5, 0.6],
      n === 4 ? [0.25, 0.25, 0.25, 0.25] : [0.7, 0.3],
    ]);
  }
  if (maybe(0.5)) experiment.coverage = pick(random, [1, 0.5, 0.2, 0, -0.1, 1.2, random()]);
  if (maybe(0.4)) experiment.hashVersion = pick(random, [1, 2, 2, 3]);
  if (maybe(0.3)) experiment.seed = randomId(random);
  if (maybe(0.3)) {
    // Grid-aligned bounds put some users exactly on a namespace boundary (v1 hashes are multiples of 0.001).
    const [start, end] = pick(random, [
      [0, 0.5],
      [0.5, 1],
      [0.25, 0.75],
      [random() / 2, 0.5 + random() / 2],
    ]);
    experiment.namespace = [pick(random, ['ns1', 'ns2', 'ns😀']), start as number, end as number];
  }
  if (maybe(0.1))
    experiment.filters = [
      {
        seed: 'layer',
        ranges: [
          [0, 0.3],
          [0.6, 0.8],
        ],
      },
    ];
  if (maybe(0.5)) experiment.condition = pick(random, conditions);
  if (maybe(0.05)) experiment.force = pick(random, [0, 1, 5, -1]);
  if (maybe(0.05)) experiment.active = false;
  if (maybe(0.05)) experiment.status = pick(random, ['draft', 'running', 'stopped'] as const);
  if (maybe(0.2)) experiment.hashAttribute = pick(random, ['deviceId', 'id', 'email']);
  if (maybe(0.2)) experiment.fallbackAttribute = 'deviceId';
  // GrowthBook itself throws on `meta` with fewer than one variation, so meta goes with n >= 2.
  if (n >= 2 && maybe(0.3)) {
    experiment.meta = variations.map((_, i) => ({
      key: `k${i}`,
      name: `Variation ${i}`,
      passthrough: i === 2,
    }));
  }
  if (maybe(0.1))
    experiment.ranges = [
      [0, 0.4],
      [0.5, 0.9],
    ];
  return experiment;
}

describe('runInlineExperiment against the GrowthBook SDK', () => {
  it('assigns 120,000 random users identically across 600 random experiments', () => {
    const random = seededRandom(3);
    const users = Array.from({ length: 2_000 }, () => randomId(random));
    savedGroups.beta = users.filter((_, i) => i % 7 === 0);
    const gb = new GrowthBookClient({ savedGroups, forcedVariations: {} });
    let compared = 0;
    let inExperiment = 0;
    const mismatches: unknown[] = [];
    for (let e = 0; e < 600; e++) {
      const experiment = randomExperiment(random, e);
      const compiled = compileExperiment(experiment, { savedGroups });
      for (let u = 0; u < 200; u++) {
        const attributes = randomAttributes(random, pick(random, users));
        const context: UserContext = { attributes };
        if (random() < 0.02)
          context.url = `https://shop.vn/p?${experiment.key}=${pick(random, [0, 1, 2, 9])}`;
        if (random() < 0.02) context.forcedVariations = { [experiment.key]: pick(random, [0, 1, 7]) };
        if (random() < 0.01) context.qaMode = true;
        if (random() < 0.01) context.enabled = false;
        const ours = compiled.assign({ ...context, attributes });
        const theirs = gb.runInlineExperiment(experiment as GbExperiment<string>, context);
        compared++;
        if (ours.inExperiment) inExperiment++;
        const a = project(ours);
        const b = project(theirs);
        if (JSON.stringify(a) !== JSON.stringify(b) && mismatches.length < 5) {
          mismatches.push({ experiment, attributes, context, ours: a, theirs: b });
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBe(120_000);
    // The generator must exercise both outcomes, or the comparison proves little.
    expect(inExperiment).toBeGreaterThan(30_000);
    expect(compared - inExperiment).toBeGreaterThan(30_000);
  });

  it('agrees on users whose hash sits exactly on a range boundary', () => {
    const experiment: ExperimentConfig<string> = {
      key: 'boundary',
      variations: ['a', 'b', 'c', 'd'],
      weights: [0.25, 0.25, 0.25, 0.25],
      coverage: 0.5,
      hashVersion: 2,
    };
    const boundaries = new Set([0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875]);
    const compiled = compileExperiment(experiment);
    const gb = new GrowthBookClient();
    let onBoundary = 0;
    for (let i = 0; i < 200_000 && onBoundary < 40; i++) {
      const id = `user-${i}`;
      const n = hash('boundary', id, 2) as number;
      if (!boundaries.has(n)) continue;
      onBoundary++;
      const ours = compiled.assign({ attributes: { id } });
      const theirs = gb.runInlineExperiment(experiment as GbExperiment<string>, { attributes: { id } });
      expect(project(ours)).toEqual(project(theirs));
      // Ranges are half-open: a hash equal to a range's end is outside it.
      if (n === 0.125) expect(ours.inExperiment).toBe(false);
      if (n === 0.25) expect(ours.variationId).toBe(1);
    }
    expect(onBoundary).toBe(40);
  });

  it('keeps sticky buckets exactly like GrowthBook when weights change', async () => {
    const random = seededRandom(4);
    const gb = new GrowthBookClient();
    const meta = [{ key: 'control' }, { key: 'treatment' }, { key: 'other' }];
    const base: ExperimentConfig<string> = {
      key: 'sticky',
      variations: ['a', 'b', 'c'],
      meta,
      hashVersion: 2,
      fallbackAttribute: 'deviceId',
    };
    const phases: ExperimentConfig<string>[] = [
      { ...base, weights: [0.8, 0.1, 0.1] },
      { ...base, weights: [0.1, 0.1, 0.8] },
      { ...base, weights: [0.1, 0.8, 0.1], bucketVersion: 1 },
      { ...base, weights: [0.4, 0.3, 0.3], bucketVersion: 2, minBucketVersion: 1 },
    ];
    const people = Array.from({ length: 1_500 }, () => ({
      id: random() < 0.3 ? '' : randomId(random),
      deviceId: randomId(random),
    }));
    const ourDocs = people.map(() => ({}) as Record<string, StickyAssignmentsDocument>);
    const theirDocs = people.map(() => ({}) as Record<string, StickyAssignmentsDocument>);
    let sticky = 0;
    for (const phase of phases) {
      const compiled = compileExperiment(phase);
      for (let p = 0; p < people.length; p++) {
        const attributes = people[p] as Record<string, unknown>;
        const docs = ourDocs[p] as Record<string, StickyAssignmentsDocument>;
        const ours = compiled.assign({ attributes, stickyBucketing: true, stickyBucketAssignmentDocs: docs });
        if (ours.stickyBucketDoc) {
          docs[`${ours.stickyBucketDoc.attributeName}||${ours.stickyBucketDoc.attributeValue}`] =
            ours.stickyBucketDoc;
        }
        const user: UserContext = {
          attributes,
          stickyBucketAssignmentDocs: theirDocs[p],
          saveStickyBucketAssignmentDoc: async () => {},
        };
        const theirs = gb.runInlineExperiment(phase as GbExperiment<string>, user);
        expect(project(ours)).toEqual(project(theirs));
        expect(docs).toEqual(user.stickyBucketAssignmentDocs);
        if (ours.stickyBucketUsed) sticky++;
      }
    }
    expect(sticky).toBeGreaterThan(1_000);
  });
});
