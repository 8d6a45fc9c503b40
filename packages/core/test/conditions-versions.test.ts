import { describe, expect, it } from 'vitest';
import { compareVersions, paddedVersionString } from '../src/conditions';

describe('version comparison', () => {
  // Expected strings from GrowthBook's util.ts (paddedVersionString) documentation and SemVer 2.0.0 §11 precedence.
  it('pads numeric parts and marks releases with ~', () => {
    expect(paddedVersionString('v1.2.3-rc.1+build123')).toBe('    1-    2-    3-rc-    1');
    expect(paddedVersionString('1.0.0')).toBe('    1-    0-    0-~');
    expect(paddedVersionString(2)).toBe('    2');
    expect(paddedVersionString(undefined)).toBe('    0');
    expect(paddedVersionString('')).toBe('    0');
  });

  it('orders versions by SemVer precedence', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-beta',
      '1.0.0-rc.1',
      '1.0.0',
      '1.9.0',
      '1.10.0',
      '2.0.0',
    ];
    for (let i = 1; i < ordered.length; i++) {
      expect(compareVersions(ordered[i - 1], ordered[i])).toBe(-1);
      expect(compareVersions(ordered[i], ordered[i - 1])).toBe(1);
    }
    expect(compareVersions('v1.2.3', '1.2.3+build')).toBe(0);
  });
});
