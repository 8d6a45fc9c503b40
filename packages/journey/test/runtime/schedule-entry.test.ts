import { ConflictError, isCxError, type Storage } from '@cx/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { JourneyDefinition } from '../../src/definition/journey-types';
import {
  JOURNEY_COLLECTIONS,
  SCHEDULE_QUEUE,
  SCHEDULED_ENTRY_QUEUE,
  TIMER_QUEUE,
} from '../../src/runtime/journey-store';
import { plannerItem } from '../../src/runtime/schedule-planner';
import { type Embedded, embedded, storages, WS } from './runtime-fixtures';

/*
 * Journeys entered on a schedule: the planner lists the segment's members a day ahead, and each
 * person enters at 09:00 where they live. START is Monday 2 March 2026, 03:00Z (10:00 in Ho Chi
 * Minh City, 22:00 on Sunday in New York); New York moves to daylight time on Sunday 8 March.
 */

const SEGMENT = 'subscribers';

const digest = (extra: Partial<JourneyDefinition> = {}): JourneyDefinition => ({
  id: 'digest',
  entry: { type: 'schedule', every: 'day', at: '09:00', segment: SEGMENT },
  start: 'hello',
  nodes: [
    {
      type: 'message',
      id: 'hello',
      channels: ['in-app'],
      templates: {
        'in-app': {
          id: 'digest-hello',
          channel: 'in-app',
          defaultLocale: 'en-US',
          // The entry data is the occurrence and the segment, as the definition's checks know.
          variants: {
            'en-US': { title: 'Good morning, {{ event.properties.segmentId }}', text: 'Your digest' },
          },
        },
      },
      next: 'done',
    },
    { type: 'exit', id: 'done' },
  ],
  ...extra,
});

/** A journey whose instances stay three days, to see the re-entry rule at work. */
const lingering = (extra: Partial<JourneyDefinition>): JourneyDefinition => ({
  id: 'lingering',
  entry: { type: 'schedule', every: 'day', at: '09:00', segment: SEGMENT },
  start: 'wait',
  nodes: [
    { type: 'wait', id: 'wait', for: { days: 3 }, next: 'done' },
    { type: 'exit', id: 'done' },
  ],
  ...extra,
});

const people = {
  lan: { timezone: 'Asia/Ho_Chi_Minh' },
  bob: { timezone: 'America/New_York' },
};

/** A segment the test changes: the runtime reads its members and a person's segments through it. */
function segment(...members: string[]) {
  const set = new Set(members);
  return {
    set,
    segmentMembers: () => [...set],
    segmentsOf: (profileId: string) => (set.has(profileId) ? [SEGMENT] : []),
  };
}

/** The earliest due time of the journey queues, or `null`. */
async function nextDue(storage: Storage): Promise<number | null> {
  const times = await Promise.all(
    [SCHEDULE_QUEUE, SCHEDULED_ENTRY_QUEUE, TIMER_QUEUE].map((queue) => storage.work.nextDueAt(WS, queue)),
  );
  const due = times.flatMap((time) => (time === null ? [] : [Date.parse(time)]));
  return due.length === 0 ? null : Math.min(...due);
}

/** Moves the clock from due time to due time up to `end`, running everything due at each. */
async function runUntil(setup: Embedded, end: string): Promise<void> {
  const until = Date.parse(end);
  for (let step = 0; step < 200; step++) {
    await setup.settle();
    const next = await nextDue(setup.storage);
    if (next === null || next > until) {
      setup.clock.set(until);
      await setup.settle();
      return;
    }
    expect(next).toBeGreaterThan(setup.clock.now()); // everything due was run
    setup.clock.set(next);
  }
  throw new Error('runUntil: too many steps');
}

/** When each of a person's instances of a journey began (ISO), oldest first. */
async function entered(setup: Embedded, profileId: string, journeyId = 'digest'): Promise<string[]> {
  const instances = await setup.journeys.instancesOf(profileId);
  return instances
    .filter((instance) => instance.journeyId === journeyId)
    .map((instance) => new Date(instance.enteredAt).toISOString());
}

async function pendingEntries(storage: Storage): Promise<number> {
  const stats = await storage.work.stats(WS);
  return stats.find((queue) => queue.queue === SCHEDULED_ENTRY_QUEUE)?.scheduled ?? 0;
}

describe.each(storages)('schedule entries on %s storage', (_name, open) => {
  let setup: Embedded;
  afterEach(async () => setup.close());

  it('enters each member at 09:00 in their own zone, on allowed weekdays only, across DST', async () => {
    const members = segment('lan', 'bob', 'cara');
    // cara has no zone: the journey's (Tokyo, UTC+9) applies.
    setup = await embedded(open, { ...people, cara: {} }, { segmentMembers: members.segmentMembers });
    await setup.journeys.publish(
      digest({
        entry: { type: 'schedule', every: 'day', at: '09:00', weekdays: [1, 3], segment: SEGMENT },
        timezone: 'Asia/Tokyo',
      }),
    );
    await runUntil(setup, '2026-03-10T00:00:00.000Z');

    // Mondays and Wednesdays. Monday's 09:00 in Ho Chi Minh City and Tokyo had passed at publish.
    expect(await entered(setup, 'lan')).toEqual(['2026-03-04T02:00:00.000Z', '2026-03-09T02:00:00.000Z']);
    expect(await entered(setup, 'cara')).toEqual(['2026-03-04T00:00:00.000Z', '2026-03-09T00:00:00.000Z']);
    // 09:00 EST is 14:00Z; from 8 March, 09:00 EDT is 13:00Z.
    expect(await entered(setup, 'bob')).toEqual([
      '2026-03-02T14:00:00.000Z',
      '2026-03-04T14:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
    ]);
    const [first] = await setup.journeys.instancesOf('bob');
    expect(first?.entry).toEqual({ scheduledFor: '2026-03-02T14:00:00.000Z', segmentId: SEGMENT });
    expect(first).toMatchObject({ status: 'exited', version: 1 });
    expect(await setup.inboxTitles('bob')).toEqual(Array(3).fill(`Good morning, ${SEGMENT}`));
  });

  it('plans a week without weekdays on the weekday of publish', async () => {
    const members = segment('lan', 'bob');
    setup = await embedded(open, people, { segmentMembers: members.segmentMembers });
    await setup.journeys.publish(
      digest({ entry: { type: 'schedule', every: 'week', at: '09:00', segment: SEGMENT } }),
    );
    await runUntil(setup, '2026-03-17T00:00:00.000Z');
    // Published on Monday (UTC, the journey has no zone): Mondays only.
    expect(await entered(setup, 'lan')).toEqual(['2026-03-09T02:00:00.000Z', '2026-03-16T02:00:00.000Z']);
    expect(await entered(setup, 'bob')).toEqual([
      '2026-03-02T14:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
      '2026-03-16T13:00:00.000Z',
    ]);
  });

  it('enters nobody twice on one day, however often planning runs', async () => {
    const members = segment('lan', 'bob');
    setup = await embedded(open, people, { segmentMembers: members.segmentMembers });
    const { journeys, storage, clock } = setup;
    await journeys.publish(digest());
    await setup.settle();
    // bob today at 14:00Z, lan tomorrow at 02:00Z.
    expect(await pendingEntries(storage)).toBe(2);

    // A new version plans again at once; so does a round that forgot how far it had planned.
    await journeys.publish(digest());
    await setup.settle();
    await storage.documents.delete(WS, JOURNEY_COLLECTIONS.schedulePlans, 'digest');
    await storage.work.schedule(WS, [plannerItem('digest', clock.now())]);
    await setup.settle();
    expect(await pendingEntries(storage)).toBe(2);

    // After bob's entry, planning again from scratch finds his next 09:00 tomorrow, not today's.
    await runUntil(setup, '2026-03-02T15:00:00.000Z');
    expect(await entered(setup, 'bob')).toEqual(['2026-03-02T14:00:00.000Z']);
    await storage.documents.delete(WS, JOURNEY_COLLECTIONS.schedulePlans, 'digest');
    await storage.work.schedule(WS, [plannerItem('digest', clock.now())]);
    await runUntil(setup, '2026-03-04T00:00:00.000Z');

    expect(await entered(setup, 'bob')).toEqual(['2026-03-02T14:00:00.000Z', '2026-03-03T14:00:00.000Z']);
    expect(await entered(setup, 'lan')).toEqual(['2026-03-03T02:00:00.000Z']);
    // The entries went into the current version.
    expect((await journeys.instancesOf('lan'))[0]?.version).toBe(2);
  });

  it('passes over a person who left the segment before their time, with segmentsOf', async () => {
    const members = segment('lan', 'bob');
    setup = await embedded(open, people, members);
    await setup.journeys.publish(digest());
    await setup.settle(); // both planned
    members.set.delete('bob');
    await runUntil(setup, '2026-03-03T12:00:00.000Z');
    expect(await entered(setup, 'bob')).toEqual([]);
    expect(await entered(setup, 'lan')).toEqual(['2026-03-03T02:00:00.000Z']);
    // Back in the segment at noon: today's round (03:00Z) planned without him, so he is planned
    // by tomorrow's, for the day after.
    members.set.add('bob');
    await runUntil(setup, '2026-03-05T00:00:00.000Z');
    expect(await entered(setup, 'bob')).toEqual(['2026-03-04T14:00:00.000Z']);
  });

  it('without segmentsOf, membership is as of planning', async () => {
    const members = segment('lan', 'bob');
    setup = await embedded(open, people, { segmentMembers: members.segmentMembers });
    await setup.journeys.publish(digest());
    await setup.settle();
    members.set.delete('bob');
    await runUntil(setup, '2026-03-03T12:00:00.000Z');
    expect(await entered(setup, 'bob')).toEqual(['2026-03-02T14:00:00.000Z']);
    // Not planned again once he is out.
    await runUntil(setup, '2026-03-05T00:00:00.000Z');
    expect(await entered(setup, 'bob')).toEqual(['2026-03-02T14:00:00.000Z']);
  });

  it('enters again on the next day by the re-entry rule: always, or after the exit', async () => {
    const members = segment('bob');
    setup = await embedded(open, people, { segmentMembers: members.segmentMembers });
    await setup.journeys.publish(lingering({ reentry: { mode: 'always' } }));
    await setup.journeys.publish(lingering({ id: 'lingering-after-exit', reentry: { mode: 'after-exit' } }));
    await runUntil(setup, '2026-03-06T00:00:00.000Z');
    // `always`: a new instance every morning, the earlier ones still waiting.
    expect(await entered(setup, 'bob', 'lingering')).toEqual([
      '2026-03-02T14:00:00.000Z',
      '2026-03-03T14:00:00.000Z',
      '2026-03-04T14:00:00.000Z',
      '2026-03-05T14:00:00.000Z',
    ]);
    // `after-exit`: refused while the first instance waits; enters again the morning after it ends.
    expect(await entered(setup, 'bob', 'lingering-after-exit')).toEqual([
      '2026-03-02T14:00:00.000Z',
      '2026-03-05T14:00:00.000Z',
    ]);
  });

  it('plans a large segment in chunks and enters people due together in shared commits', async () => {
    // 850 members without profiles: the journey's zone applies to all, so they are due together.
    const members = segment(
      ...Array.from({ length: 850 }, (_, index) => `p${String(index).padStart(3, '0')}`),
    );
    setup = await embedded(open, {}, { segmentMembers: members.segmentMembers });
    const { storage } = setup;
    const commits: { schedule: number; entries: number }[] = [];
    const commit = storage.commit.bind(storage);
    storage.commit = async (workspaceId, input) => {
      commits.push({
        schedule: (input.schedule ?? []).filter((item) => item.queue === SCHEDULED_ENTRY_QUEUE).length,
        entries: (input.complete ?? []).filter((claim) => claim.queue === SCHEDULED_ENTRY_QUEUE).length,
      });
      return commit(workspaceId, input);
    };
    await setup.journeys.publish(lingering({ timezone: 'Asia/Ho_Chi_Minh' }));
    await setup.settle();
    expect(commits.map((each) => each.schedule).filter((count) => count > 0)).toEqual([400, 400, 50]);
    expect(await pendingEntries(storage)).toBe(850);

    commits.length = 0;
    await runUntil(setup, '2026-03-03T03:00:00.000Z');
    expect(commits.map((each) => each.entries).filter((count) => count > 0)).toEqual([
      200, 200, 200, 200, 50,
    ]);
    expect((await setup.journeys.stats('lingering')).instances).toMatchObject({ total: 850, running: 850 });
    expect(await entered(setup, 'p849', 'lingering')).toEqual(['2026-03-03T02:00:00.000Z']);
  });

  it('admits people one by one when the shared commit is refused, stepping again on a CONFLICT', async () => {
    const members = segment('a1', 'a2', 'a3');
    setup = await embedded(open, {}, { segmentMembers: members.segmentMembers });
    const { storage } = setup;
    const commit = storage.commit.bind(storage);
    let refusals = 2; // the batch's commit, then the first person's own
    storage.commit = async (workspaceId, input) => {
      if (refusals > 0 && input.complete?.some((claim) => claim.queue === SCHEDULED_ENTRY_QUEUE)) {
        refusals -= 1;
        throw new ConflictError('another writer changed an index');
      }
      return commit(workspaceId, input);
    };
    await setup.journeys.publish(lingering({ timezone: 'Asia/Ho_Chi_Minh' }));
    await runUntil(setup, '2026-03-03T03:00:00.000Z');
    expect(refusals).toBe(0);
    for (const id of ['a1', 'a2', 'a3'])
      expect(await entered(setup, id, 'lingering')).toEqual(['2026-03-03T02:00:00.000Z']);
  });

  it('plans a round that failed midway again, scheduling nothing twice', async () => {
    const ids = Array.from({ length: 450 }, (_, index) => `p${String(index).padStart(3, '0')}`);
    let failures = 1;
    const errors: unknown[] = [];
    setup = await embedded(
      open,
      {},
      {
        // The first listing breaks after the first chunk (400) was committed.
        async *segmentMembers() {
          for (const [index, id] of ids.entries()) {
            if (index === 420 && failures-- > 0) throw new Error('segment store unavailable');
            yield id;
          }
        },
        onError: (error) => errors.push(error),
      },
    );
    await setup.journeys.publish(lingering({ timezone: 'Asia/Ho_Chi_Minh' }));
    await setup.settle();
    expect(errors).toHaveLength(1);
    expect(await pendingEntries(setup.storage)).toBe(400);
    // Tried again after its back-off: everyone planned, the first 400 once.
    await runUntil(setup, '2026-03-03T03:00:00.000Z');
    expect(errors).toHaveLength(1);
    expect((await setup.journeys.stats('lingering')).instances).toMatchObject({ total: 450 });
    expect(await entered(setup, 'p000', 'lingering')).toEqual(['2026-03-03T02:00:00.000Z']);
  });

  it('passes over, and reports, a member whose id is too long to enter, planning everyone else', async () => {
    const long = 'x'.repeat(600);
    const members = segment('lan', long);
    const errors: unknown[] = [];
    setup = await embedded(open, people, {
      segmentMembers: members.segmentMembers,
      onError: (error) => errors.push(error),
    });
    await setup.journeys.publish(digest());
    await runUntil(setup, '2026-03-03T12:00:00.000Z');
    expect(await entered(setup, 'lan')).toEqual(['2026-03-03T02:00:00.000Z']);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => isCxError(error, 'VALIDATION'))).toBe(true);
  });

  it('stops planning and entering when a new version is no longer entered on a schedule', async () => {
    const members = segment('lan', 'bob');
    setup = await embedded(open, people, { segmentMembers: members.segmentMembers });
    await setup.journeys.publish(lingering({}));
    await setup.settle();
    expect(await pendingEntries(setup.storage)).toBe(2);
    await setup.journeys.publish(lingering({ entry: { type: 'api' } }));
    await runUntil(setup, '2026-03-05T00:00:00.000Z');
    expect(await entered(setup, 'lan', 'lingering')).toEqual([]);
    expect(await entered(setup, 'bob', 'lingering')).toEqual([]);
    expect(await pendingEntries(setup.storage)).toBe(0);
    expect(await setup.storage.work.nextDueAt(WS, SCHEDULE_QUEUE)).toBeNull();
  });

  it('refuses to publish a schedule journey without segmentMembers (CONFIG), storing nothing', async () => {
    setup = await embedded(open, people);
    const error = await setup.journeys.publish(digest()).catch((caught: unknown) => caught);
    expect(isCxError(error, 'CONFIG')).toBe(true);
    expect(await setup.storage.documents.get(WS, JOURNEY_COLLECTIONS.current, 'digest')).toBeNull();
    expect(await setup.storage.work.nextDueAt(WS, SCHEDULE_QUEUE)).toBeNull();
  });
});
