import { describe, expect, it } from 'vitest';
import { canonicalProfile, memoryStorage } from '../src';

describe('canonicalProfile', () => {
  it('follows merges to the surviving profile, and answers null for an unknown one', async () => {
    const storage = memoryStorage();
    for (const id of ['a', 'b', 'c']) await storage.profiles.create('acme', { id });
    await storage.profiles.merge('acme', { from: 'c', into: 'b' });
    await storage.profiles.merge('acme', { from: 'b', into: 'a' });
    expect((await canonicalProfile(storage.profiles, 'acme', 'c'))?.id).toBe('a');
    expect((await canonicalProfile(storage.profiles, 'acme', 'a'))?.id).toBe('a');
    expect(await canonicalProfile(storage.profiles, 'acme', 'nobody')).toBeNull();
  });
});
