import { isCxError, type ValidationError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import type { RfmScore } from '../src/rfm/quintiles';
import { DEFAULT_RFM_SEGMENTS, fmScore, type RfmSegmentsConfig, rfmSegmenter } from '../src/rfm/rfm-segments';
import { scoreRfm } from '../src/rfm/score-rfm';
import { GRID } from './fixtures/rfm-fixtures';

const SCORES: RfmScore[] = [1, 2, 3, 4, 5];

function validationError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('RFM segments', () => {
  it('maps each of the 125 (R, F, M) combinations to exactly one default segment, as the grid shows', () => {
    const segmenter = rfmSegmenter();
    const seen = new Map<string, number>();
    for (const r of SCORES) {
      for (const f of SCORES) {
        for (const m of SCORES) {
          const matching = DEFAULT_RFM_SEGMENTS.segments.filter((rule) => {
            const fm = fmScore(f, m);
            const within = (v: number, range: unknown) =>
              range === undefined ||
              (typeof range === 'number'
                ? v === range
                : v >= (range as number[])[0]! && v <= (range as number[])[1]!);
            return within(r, rule.r) && within(f, rule.f) && within(m, rule.m) && within(fm, rule.fm);
          });
          expect(matching, `R${r} F${f} M${m}`).toHaveLength(1);
          const segment = segmenter.segmentOf(r, f, m);
          expect(segment).toBe(matching[0]!.name);
          expect(segment).toBe(GRID[r]![fmScore(f, m) - 1]);
          seen.set(segment, (seen.get(segment) ?? 0) + 1);
        }
      }
    }
    expect([...seen.keys()].sort()).toEqual(segmenter.names.slice().sort());
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(125);
  });

  it('names the ten classic segments', () => {
    expect(rfmSegmenter().names).toEqual([
      'Champions',
      'Loyal',
      'Potential Loyalist',
      'New Customers',
      'Promising',
      'Need Attention',
      'About to Sleep',
      'At Risk',
      "Can't Lose Them",
      'Lost',
    ]);
    expect(fmScore(4, 3)).toBe(4);
    expect(fmScore(1, 2)).toBe(2);
    expect(fmScore(2, 2)).toBe(2);
  });

  it('accepts user ranges, such as Hibernating split from Lost, and full R/F/M rules', () => {
    const config: RfmSegmentsConfig = {
      segments: [
        ...DEFAULT_RFM_SEGMENTS.segments.filter((rule) => rule.name !== 'Lost'),
        { name: 'Hibernating', r: 2, fm: [1, 2] },
        { name: 'Lost', r: 1, fm: [1, 2] },
      ],
    };
    const segmenter = rfmSegmenter(config);
    expect(segmenter.segmentOf(2, 1, 2)).toBe('Hibernating');
    expect(segmenter.segmentOf(1, 1, 2)).toBe('Lost');
    const byF = rfmSegmenter({
      segments: [
        { name: 'Big spenders', m: 5 },
        { name: 'Others', m: [1, 4] },
      ],
    });
    expect(byF.segmentOf(1, 1, 5)).toBe('Big spenders');
  });

  it('rejects gaps and overlaps with the path and the combination', () => {
    const gap = validationError(() =>
      rfmSegmenter({ segments: DEFAULT_RFM_SEGMENTS.segments.filter((rule) => rule.name !== 'Promising') }),
    );
    expect(gap.issues.map((issue) => issue.message)).toContain('No segment covers R4 F1 M1');
    expect(gap.issues[0]!.path).toBe('segments');

    const overlap = validationError(() =>
      rfmSegmenter({ segments: [...DEFAULT_RFM_SEGMENTS.segments, { name: 'Everyone', r: [1, 5] }] }),
    );
    expect(overlap.issues[0]!.path).toBe('segments[10]');
    expect(overlap.issues[0]!.message).toMatch(/R1 F1 M1 is in more than one segment: Lost, Everyone/);
    expect(overlap.issues.length).toBeLessThanOrEqual(20);

    const badRange = validationError(() =>
      rfmSegmenter({ segments: [{ name: 'All', r: [4, 2] as unknown as [1, 5] }] }),
    );
    expect(badRange.issues[0]!.path).toBe('segments[0].r');
    const twice = validationError(() =>
      rfmSegmenter({
        segments: [
          { name: 'A', r: [1, 2] },
          { name: 'A', r: [3, 5] },
        ],
      }),
    );
    expect(twice.issues[0]!.path).toBe('segments[1].name');
  });
});

describe('scoreRfm', () => {
  it('scores by quintiles, recency reversed, ties at a cut in the lower interval of the measure', () => {
    // Ten profiles: recency 0..9 days, frequency 1..10, monetary 10..100.
    const measures = Array.from({ length: 10 }, (_, i) => ({
      profileId: `p${i}`,
      recencyDays: i,
      frequency: i + 1,
      monetary: (i + 1) * 10,
    }));
    const scoring = scoreRfm(measures);
    expect(scoring.exact).toBe(true);
    expect(scoring.cutPoints).toEqual({
      recencyDays: [1, 3, 5, 7],
      frequency: [2, 4, 6, 8],
      monetary: [20, 40, 60, 80],
    });
    expect(scoring.profiles.map((p) => p.r)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect(scoring.profiles.map((p) => p.f)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    // The most recent buy least here: new customers first, lost last.
    expect(scoring.profiles[0]!.segment).toBe('New Customers');
    expect(scoring.profiles[9]!.segment).toBe("Can't Lose Them");
    expect(scoring.scoreCounts.r).toEqual([2, 2, 2, 2, 2]);
    expect(Object.values(scoring.segmentCounts).reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('validates measures with paths', () => {
    const error = validationError(() =>
      scoreRfm([
        { profileId: 'a', recencyDays: 1, frequency: 1, monetary: 1 },
        { profileId: 'b', recencyDays: -1, frequency: 0, monetary: Number.NaN },
      ]),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual([
      '[1].recencyDays',
      '[1].frequency',
      '[1].monetary',
    ]);
  });
});
