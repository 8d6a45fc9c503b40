import { isCxError } from '@cx/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { JourneyDefinition } from '../../src/definition/journey-types';
import { JOURNEY_COLLECTIONS } from '../../src/runtime/journey-store';
import { DAY, type Embedded, embedded, storages, WS } from './runtime-fixtures';

/* Entering many people at once through the API: one commit, the same rules as `enter`. */
const journey = (extra: Partial<JourneyDefinition>): JourneyDefinition => ({
  id: 'import',
  entry: { type: 'api' },
  start: 'wait',
  nodes: [
    { type: 'wait', id: 'wait', for: { days: 1 }, next: 'done' },
    { type: 'exit', id: 'done' },
  ],
  ...extra,
});

describe.each(storages)('enterMany on %s storage', (_name, open) => {
  let setup: Embedded;
  afterEach(async () => setup.close());

  it('enters everyone in order, with their data, by the re-entry rule and the cap', async () => {
    setup = await embedded(open);
    const { journeys, clock } = setup;
    await journeys.publish(journey({ entryCap: { max: 3, per: 'day' } }));
    const results = await journeys.enterMany('import', [
      { profileId: 'a', data: { plan: 'gold' } },
      { profileId: 'b' },
      { profileId: 'a' }, // still running: `after-exit` refuses it
      { profileId: 'c' },
      { profileId: 'd' }, // the fourth entry of the day: over the cap
    ]);
    expect(results.map((result) => (result.entered ? result.instance.profileId : result.reason))).toEqual([
      'a',
      'b',
      'reentry',
      'c',
      'cap',
    ]);
    const [first] = await journeys.instancesOf('a');
    expect(first).toMatchObject({ status: 'waiting', node: 'wait', entry: { plan: 'gold' } });

    clock.advance(DAY);
    await setup.settle();
    expect((await journeys.stats('import')).instances).toMatchObject({ total: 3, exited: 3, running: 0 });
  });

  it('enters one by one when a person’s index changed meanwhile', async () => {
    setup = await embedded(open);
    const { journeys, storage } = setup;
    await journeys.publish(journey({ reentry: { mode: 'once' } }));
    // Another writer enters `b` between the batch's read and its commit.
    const commit = storage.commit.bind(storage);
    let raced = false;
    storage.commit = async (workspaceId, input) => {
      if (
        !raced &&
        input.documents?.some((document) => document.collection === JOURNEY_COLLECTIONS.profiles)
      ) {
        raced = true;
        expect((await journeys.enter('import', 'b')).entered).toBe(true);
      }
      return commit(workspaceId, input);
    };
    const results = await journeys.enterMany('import', [{ profileId: 'a' }, { profileId: 'b' }]);
    expect(results.map((result) => result.entered)).toEqual([true, false]);
    expect(await journeys.instancesOf('b')).toHaveLength(1);
    expect(await storage.documents.get(WS, JOURNEY_COLLECTIONS.profiles, 'a')).not.toBeNull();
  });

  it('refuses bad entries with VALIDATION and enters no one', async () => {
    setup = await embedded(open);
    const { journeys } = setup;
    await journeys.publish(journey({}));
    for (const bad of [[{ profileId: '' }], [{ profileId: 'a', data: 'x' }], [{ id: 'a' }], 'a']) {
      const error = await journeys.enterMany('import', bad as never).catch((thrown: unknown) => thrown);
      expect(isCxError(error, 'VALIDATION')).toBe(true);
    }
    const error = await journeys
      .enterMany(
        'import',
        Array.from({ length: 1001 }, (_, n) => ({ profileId: `p${n}` })),
      )
      .catch((thrown: unknown) => thrown);
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    expect(
      isCxError(await journeys.enter('import', '').catch((thrown: unknown) => thrown), 'VALIDATION'),
    ).toBe(true);
    expect((await journeys.stats('import')).instances.total).toBe(0);
  });

  it('refuses a journey not entered through the API with CONFIG', async () => {
    setup = await embedded(open);
    const { journeys } = setup;
    await journeys.publish(journey({ entry: { type: 'event', event: 'Signed Up' } }));
    const error = await journeys.enterMany('import', [{ profileId: 'a' }]).catch((thrown: unknown) => thrown);
    expect(isCxError(error, 'CONFIG')).toBe(true);
  });
});
