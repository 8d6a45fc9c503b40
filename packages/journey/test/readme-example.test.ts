import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('the README example', () => {
  it('runs the abandoned cart through the step function as the README says', () => {
    const output = execFileSync(
      process.execPath,
      ['--conditions=@cx/source', '--import', 'tsx', 'examples/abandoned-cart.ts'],
      { cwd: packageDir, encoding: 'utf8' },
    );
    expect(output.trim().split('\n')).toEqual([
      'entered: at wait-order (waiting), sends [web-push]',
      'another cart ordered: at wait-order (waiting), sends []',
      'a day later: at wait-zns (waiting), sends [email]',
      'this cart ordered: at wait-zns (completed), sends []',
      'outcome: goal ordered',
    ]);
  });

  it('runs the durable runtime example: the nudge with the product, then the reminder a day later', () => {
    const output = execFileSync(
      process.execPath,
      ['--conditions=@cx/source', '--import', 'tsx', 'examples/runtime.ts'],
      { cwd: packageDir, encoding: 'utf8' },
    );
    expect(output.trim().split('\n')).toEqual([
      'Giỏ hàng đang chờ: Áo dài lụa | Còn nhớ giỏ hàng?: Mã CART10 giảm 10%',
      'exited nudge → wait-order → reminder → done',
    ]);
  });

  it('runs the scheduled entries example: each subscriber at 09:00 in their own zone', () => {
    const output = execFileSync(
      process.execPath,
      ['--conditions=@cx/source', '--import', 'tsx', 'examples/scheduled-entries.ts'],
      { cwd: packageDir, encoding: 'utf8' },
    );
    expect(output.trim().split('\n')).toEqual([
      'lan: 2026-03-03 09:00, 2026-03-04 09:00',
      'bob: 2026-03-02 09:00, 2026-03-03 09:00',
    ]);
  });
});
