import { describe, expect, it } from 'vitest';
import { describeAccess, workspaceKeysOf } from '../src/commands/key-flags';

describe('cx serve key flags', () => {
  it('takes repeated flags, digests and comma-separated variables; flags win over variables', () => {
    const digest = 'a'.repeat(64);
    expect(
      workspaceKeysOf(
        { 'write-key': ['wk'], 'read-key': ['rk1', `sha256:${digest}`] },
        { CX_READ_KEY: 'ignored', CX_ADMIN_KEY: 'ak1, ak2' },
        'acme',
      ),
    ).toEqual({
      workspaceId: 'acme',
      writeKey: ['wk'],
      readKey: ['rk1', { sha256: digest }],
      adminKey: ['ak1', 'ak2'],
    });
  });

  it('requires a write key', () => {
    expect(() => workspaceKeysOf({ 'read-key': ['rk'] }, { CX_WRITE_KEY: ' ' }, 'acme')).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });

  it('says which APIs are open, and that the Profile API is closed without a read or admin key', () => {
    expect(describeAccess({ workspaceId: 'acme', writeKey: ['wk'] })).toEqual([
      'collection (POST /v1/track, /v1/batch, ...) open to 1 write key',
      'Profile API closed: give --read-key or --admin-key to open it',
      'profile deletes and the work queue API closed: give --admin-key to open them',
    ]);
    expect(
      describeAccess({ workspaceId: 'acme', writeKey: ['wk'], readKey: ['r1', 'r2'], adminKey: ['a'] }),
    ).toEqual([
      'collection (POST /v1/track, /v1/batch, ...) open to 1 write key',
      'Profile API reads open to 2 read keys and 1 admin key',
      'profile deletes and the work queue API open to 1 admin key',
    ]);
  });
});
