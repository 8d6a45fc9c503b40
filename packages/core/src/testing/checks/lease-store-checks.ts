import assert from 'node:assert/strict';
import type { ConformanceCheck } from '../conformance-types';
import { rejectsWithCode } from './assertions';

/** The lease store's contract. */
export const leaseStoreChecks: ConformanceCheck[] = [
  {
    port: 'leases',
    name: 'a lease has one owner until it expires; re-acquiring our own lease renews it',
    async run({ storage, workspace, clock }) {
      const first = await storage.leases.acquire(workspace, { key: 'scheduler', owner: 'w1', ttlMs: 10_000 });
      assert.ok(first, 'a free lease is taken');
      assert.equal(first.owner, 'w1');
      assert.equal(first.expiresAt, new Date(clock.now() + 10_000).toISOString());
      assert.equal(
        await storage.leases.acquire(workspace, { key: 'scheduler', owner: 'w2', ttlMs: 10_000 }),
        null,
      );
      clock.advance(5_000);
      const again = await storage.leases.acquire(workspace, { key: 'scheduler', owner: 'w1', ttlMs: 10_000 });
      assert.equal(again?.token, first.token, 'renewal keeps the fencing token');
      assert.equal(again?.expiresAt, new Date(clock.now() + 10_000).toISOString());
      const renewed = await storage.leases.renew(workspace, { key: 'scheduler', owner: 'w1', ttlMs: 20_000 });
      assert.equal(renewed?.expiresAt, new Date(clock.now() + 20_000).toISOString());
      assert.equal(await storage.leases.renew(workspace, { key: 'scheduler', owner: 'w2', ttlMs: 1 }), null);
    },
  },
  {
    port: 'leases',
    name: 'an expired lease passes to another owner with a higher fencing token',
    async run({ storage, workspace, clock }) {
      const first = await storage.leases.acquire(workspace, { key: 'k', owner: 'w1', ttlMs: 1_000 });
      clock.advance(1_000);
      const second = await storage.leases.acquire(workspace, { key: 'k', owner: 'w2', ttlMs: 1_000 });
      assert.ok(second, 'an expired lease is free');
      assert.ok(second.token > first!.token, 'the token grows when the lease changes hands');
      assert.equal(await storage.leases.renew(workspace, { key: 'k', owner: 'w1', ttlMs: 1_000 }), null);
      assert.equal(await storage.leases.release(workspace, { key: 'k', owner: 'w1' }), false);
    },
  },
  {
    port: 'leases',
    name: 'release frees a lease for the next owner',
    async run({ storage, workspace }) {
      const first = await storage.leases.acquire(workspace, { key: 'k', owner: 'w1', ttlMs: 60_000 });
      assert.equal(await storage.leases.release(workspace, { key: 'k', owner: 'w2' }), false);
      assert.equal(await storage.leases.release(workspace, { key: 'k', owner: 'w1' }), true);
      assert.equal(await storage.leases.release(workspace, { key: 'k', owner: 'w1' }), false);
      assert.equal(await storage.leases.renew(workspace, { key: 'k', owner: 'w1', ttlMs: 1_000 }), null);
      const next = await storage.leases.acquire(workspace, { key: 'k', owner: 'w2', ttlMs: 60_000 });
      assert.ok(next && next.token > first!.token);
    },
  },
  {
    port: 'leases',
    name: 'of many owners racing for a free lease exactly one wins',
    async run({ storage, workspace }) {
      const owners = Array.from({ length: 12 }, (_, i) => `worker-${i}`);
      const results = await Promise.all(
        owners.map((owner) => storage.leases.acquire(workspace, { key: 'race', owner, ttlMs: 60_000 })),
      );
      assert.equal(results.filter((lease) => lease !== null).length, 1);
    },
  },
  {
    port: 'leases',
    name: 'bad lease requests throw a ValidationError',
    async run({ storage, workspace }) {
      await rejectsWithCode(
        () => storage.leases.acquire(workspace, { key: 'k', owner: 'w', ttlMs: 0 }),
        'VALIDATION',
        'zero ttl',
      );
      await rejectsWithCode(
        () => storage.leases.acquire(workspace, { key: '', owner: 'w', ttlMs: 10 }),
        'VALIDATION',
        'empty key',
      );
      assert.ok(
        await storage.leases.acquire(workspace, { key: 'k', owner: 'w', ttlMs: 10 }),
        'the key is still free',
      );
    },
  },
];
