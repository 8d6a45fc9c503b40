import { ManualClock } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../src/progress/progress-reporter';

/** ANSI "erase to end of line". */
const ERASE = '\u001b[K';

function buffer(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } };
}

describe('progress reporter', () => {
  it('redraws a bar in place on a terminal, at most every 100 ms', () => {
    const clock = new ManualClock(0);
    const { writes, stream } = buffer(true);
    const progress = createProgressReporter({ stream, clock });
    clock.advance(1000);
    progress.update({ rows: 500, bytes: 250, totalBytes: 1000 });
    clock.advance(50);
    progress.update({ rows: 1000, bytes: 500, totalBytes: 1000 });
    expect(writes).toHaveLength(1);
    expect(writes[0]).toBe(`\r[${'#'.repeat(8)}${'-'.repeat(22)}]  25% 500 rows, 500 rows/s${ERASE}`);
    clock.advance(950);
    progress.done(
      { rows: 2000, accepted: 2000, duplicates: 0, rejected: 0, suppressed: 0 },
      { rows: 2000, bytes: 1000, totalBytes: 1000 },
    );
    expect(writes[1]).toBe(`\r[${'#'.repeat(30)}] 100% 2,000 rows, 1,000 rows/s${ERASE}\n`);
  });

  it('prints plain lines every few seconds elsewhere, and a final line', () => {
    const clock = new ManualClock(0);
    const { writes, stream } = buffer(false);
    const progress = createProgressReporter({ stream, clock, lineEveryMs: 5000 });
    for (let second = 1; second <= 12; second++) {
      clock.advance(1000);
      progress.update({ rows: second * 100, bytes: second, totalBytes: 12 });
    }
    expect(writes).toEqual([
      'import:   8% 100 rows, 100 rows/s\n',
      'import:  50% 600 rows, 100 rows/s\n',
      'import:  92% 1,100 rows, 100 rows/s\n',
    ]);
    progress.done(
      { rows: 1200, accepted: 1199, duplicates: 0, rejected: 1, suppressed: 0 },
      { rows: 1200, bytes: 12 },
    );
    expect(writes.at(-1)).toBe('import: 1,200 rows, 100 rows/s, done (1 rejected)\n');
  });
});
