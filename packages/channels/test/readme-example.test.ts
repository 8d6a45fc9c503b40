import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('the README quick start', () => {
  it('runs and prints what the README says', () => {
    const output = execFileSync(
      process.execPath,
      ['--conditions=@cx/source', '--import', 'tsx', 'examples/quick-start.ts'],
      { cwd: packageDir, encoding: 'utf8' },
    );
    expect(output).toContain(
      'Chào Lan! | Giỏ hàng của bạn còn 2 sản phẩm, tổng 2.310.000\u00a0₫. Bạn có 12.500 điểm.',
    );
    // In-app messages are delivered the moment they are in the inbox; Intl puts a no-break space before ₫.
    expect(output).toContain("delivered [ 'sent' ]");
    expect(output).toContain("byChannel: { 'in-app': 1 }");
  });
});
