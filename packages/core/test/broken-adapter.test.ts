import { describe, expect, it } from 'vitest';
import { type ClaimOptions, ManualClock, memoryStorage, type Storage } from '../src';
import { type ConformanceCheck, freshWorkspace, storageConformanceChecks } from '../src/testing';

/*
 * The conformance suite must catch broken adapters, not just pass good ones. Each adapter below
 * breaks one promise of the contract; the checks for that promise must fail.
 */

async function failingChecks(storage: Storage, clock: ManualClock): Promise<string[]> {
  const failed: string[] = [];
  for (const check of storageConformanceChecks) {
    if (check.requires && !storage.capabilities[check.requires]) continue;
    try {
      await check.run({ storage, clock, workspace: freshWorkspace(), otherWorkspace: freshWorkspace() });
    } catch {
      failed.push(nameOf(check));
    }
  }
  return failed;
}

const nameOf = (check: ConformanceCheck) => `${check.port}: ${check.name}`;

function broken(patch: (good: Storage) => Partial<Storage>): { storage: Storage; clock: ManualClock } {
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  const good = memoryStorage({ clock });
  return { storage: { ...good, ...patch(good) } as Storage, clock };
}

describe('the conformance suite catches broken adapters', () => {
  it('passes the reference adapter', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    expect(await failingChecks(memoryStorage({ clock }), clock)).toEqual([]);
  });

  it('fails an event store that ignores the workspace', async () => {
    const { storage, clock } = broken((good) => ({
      events: {
        ...good.events,
        append: (_ws, events) => good.events.append('shared', events),
        get: (_ws, id) => good.events.get('shared', id),
        scan: (_ws, query) => good.events.scan('shared', query),
        listByProfile: (_ws, query) => good.events.listByProfile('shared', query),
        deleteByProfile: (_ws, ids) => good.events.deleteByProfile('shared', ids),
      },
    }));
    expect(await failingChecks(storage, clock)).toContain(
      'workspaces: events are isolated per workspace, even with the same messageId',
    );
  });

  it('fails an event store that stores duplicates', async () => {
    const { storage, clock } = broken((good) => ({
      events: {
        ...good.events,
        async append(ws, events) {
          const result = await good.events.append(ws, events);
          // Forget the dedup by re-appending under fresh ids.
          const copies = (events as { messageId: string }[]).map((e) => ({
            ...e,
            messageId: `${e.messageId}-copy`,
          }));
          if (result.duplicates.length > 0) await good.events.append(ws, copies);
          return { ...result, inserted: [...result.inserted, ...result.duplicates], duplicates: [] };
        },
      },
    }));
    expect(await failingChecks(storage, clock)).toContain(
      'events: append is idempotent by messageId and keeps the first copy',
    );
  });

  it('fails a profile store whose merge is not atomic', async () => {
    const { storage, clock } = broken((good) => ({
      profiles: {
        ...good.profiles,
        async merge(ws, input) {
          // Reads, yields, then writes: concurrent merges interleave.
          const from = await good.profiles.get(ws, input.from);
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (from) await good.profiles.removeIdentifiers(ws, from.id, from.identifiers);
          await new Promise((resolve) => setTimeout(resolve, 1));
          const into = await good.profiles.addIdentifiers(ws, input.into, from?.identifiers ?? []);
          return {
            into,
            from: (await good.profiles.get(ws, input.from))!,
            movedIdentifiers: from?.identifiers ?? [],
          };
        },
      },
    }));
    const failed = await failingChecks(storage, clock);
    expect(failed).toContain(
      'profiles: concurrent merges of the same profiles leave one canonical profile holding every identifier',
    );
  });

  it('fails a lease store that lets two owners hold one lease', async () => {
    const { storage, clock } = broken((good) => ({
      leases: {
        ...good.leases,
        acquire: async (_ws, request) => ({
          key: request.key,
          owner: request.owner,
          token: 1,
          expiresAt: new Date(clock.now() + request.ttlMs).toISOString(),
        }),
      },
    }));
    expect(await failingChecks(storage, clock)).toContain(
      'leases: of many owners racing for a free lease exactly one wins',
    );
  });

  it('fails a store that accepts bad input', async () => {
    const { storage, clock } = broken((good) => ({
      events: {
        ...good.events,
        append: async (ws, events) => good.events.append(/^[\w.-]+$/.test(ws) ? ws : 'fallback', events),
      },
    }));
    expect(await failingChecks(storage, clock)).toContain(
      'events: bad input throws a ValidationError and stores nothing',
    );
  });

  it('fails a work queue that hands one item to two claimers', async () => {
    const { storage, clock } = broken((good) => ({
      work: {
        ...good.work,
        // Claims, then forgets the lease: the next claimer gets the same items again.
        async claim<P>(ws: string, queue: string, options: ClaimOptions) {
          const items = await good.work.claim<P>(ws, queue, options);
          for (const item of items) await good.work.release(ws, item);
          return items;
        },
      },
    }));
    expect(await failingChecks(storage, clock)).toContain(
      'work: concurrent claimers never get the same item, and together get every due item once',
    );
  });

  it('fails a work queue that lets a worker complete an item after losing its lease', async () => {
    const { storage, clock } = broken((good) => ({
      work: {
        ...good.work,
        complete: async (ws, claim) => {
          await good.work.cancel(ws, claim.queue, claim.key);
        },
      },
    }));
    expect(await failingChecks(storage, clock)).toContain(
      'work: an item whose lease ends is claimed again with a new token; the old holder is fenced out',
    );
  });

  it('fails a commit that writes its documents before checking its work', async () => {
    const { storage, clock } = broken((good) => ({
      async commit(ws, input) {
        const documents = await good.documents.putMany(ws, input.documents ?? []);
        const rest = await good.commit(ws, { ...input, documents: [] });
        return { ...rest, documents };
      },
    }));
    expect(await failingChecks(storage, clock)).toContain(
      'commit: a lost lease refuses the whole commit: the step that ran on it changes nothing',
    );
  });
});
