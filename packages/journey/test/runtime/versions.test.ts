import { isCxError } from '@cx/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { JourneyDefinition } from '../../src/definition/journey-types';
import { DAY, type Embedded, embedded, journeyEvents, storages } from './runtime-fixtures';

/* Publishing: validation before storing, immutable versions, and what a new version does to running instances. */
const version = (title: string): JourneyDefinition => ({
  id: 'winback',
  entry: { type: 'api' },
  start: 'wait',
  reentry: { mode: 'always' },
  nodes: [
    { type: 'wait', id: 'wait', for: { days: 1 }, next: 'note' },
    {
      type: 'message',
      id: 'note',
      channels: ['in-app'],
      templates: {
        'in-app': {
          id: 'note',
          channel: 'in-app',
          defaultLocale: 'en-US',
          variants: { 'en-US': { title, text: 'x' } },
        },
      },
      next: 'done',
    },
    { type: 'exit', id: 'done' },
  ],
});

describe.each(storages)('versions on %s storage', (_name, open) => {
  let setup: Embedded;
  afterEach(async () => setup.close());

  it('publishes again only when the definition changed, with ifChanged', async () => {
    setup = await embedded(open);
    expect(await setup.journeys.publish(version('v1'), { ifChanged: true })).toEqual({
      id: 'winback',
      version: 1,
    });
    // The same journey with its keys in another order is the same journey.
    const reverseKeys = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reverseKeys)
        : value && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([key, inner]) => [key, reverseKeys(inner)]),
            )
          : value;
    const reordered = reverseKeys(version('v1')) as JourneyDefinition;
    expect(Object.keys(reordered)[0]).toBe('nodes');
    expect(await setup.journeys.publish(reordered, { ifChanged: true })).toEqual({
      id: 'winback',
      version: 1,
    });
    expect(await setup.journeys.publish(version('v2'), { ifChanged: true })).toEqual({
      id: 'winback',
      version: 2,
    });
    expect(await setup.journeys.publish(version('v2'))).toEqual({ id: 'winback', version: 3 });
  });

  it('refuses an invalid journey with every problem, storing nothing', async () => {
    setup = await embedded(open);
    const bad = {
      ...version('v1'),
      start: 'nowhere',
      nodes: [{ type: 'wait', id: 'wait', for: { days: 1 }, next: 'gone' }],
    };
    const error = await setup.journeys.publish(bad).catch((caught: unknown) => caught);
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    expect((error as { issues: unknown[] }).issues.length).toBeGreaterThanOrEqual(2);
    expect((await setup.storage.documents.list('shop', 'journey.definitions')).items).toEqual([]);
    expect((await setup.storage.documents.list('shop', 'journey.current')).items).toEqual([]);
  });

  it('keep: running instances finish on their version, new entries take the new one', async () => {
    setup = await embedded(open, { an: {}, binh: {} });
    expect(await setup.journeys.publish(version('v1'))).toEqual({ id: 'winback', version: 1 });
    const first = await setup.journeys.enter('winback', 'an');
    expect(await setup.journeys.publish(version('v2'))).toEqual({ id: 'winback', version: 2 });
    const second = await setup.journeys.enter('winback', 'binh');
    expect(first.entered && first.instance.version).toBe(1);
    expect(second.entered && second.instance.version).toBe(2);
    setup.clock.advance(DAY);
    await setup.settle();
    expect(await setup.inboxTitles('an')).toEqual(['v1']);
    expect(await setup.inboxTitles('binh')).toEqual(['v2']);
  });

  it('exit: running instances of earlier versions end at publish, their timers cancelled', async () => {
    setup = await embedded(open, { an: {} });
    await setup.journeys.publish(version('v1'));
    const first = await setup.journeys.enter('winback', 'an');
    await setup.journeys.publish(version('v2'), { migrate: 'exit' });
    const id = first.entered ? first.instance.id : '';
    expect(await setup.journeys.instance(id)).toMatchObject({
      status: 'exited',
      version: 1,
      outcome: { kind: 'exit', id: 'version-replaced' },
    });
    expect(await setup.storage.work.get('shop', 'journey.timers', id)).toBeNull();
    setup.clock.advance(DAY);
    await setup.settle();
    expect(await setup.inboxTitles('an')).toEqual([]);
    expect((await journeyEvents(setup.storage, 'an')).at(-1)).toMatchObject({
      name: 'Journey Exited',
      properties: { outcomeId: 'version-replaced' },
    });
    // The person may enter the new version.
    const again = await setup.journeys.enter('winback', 'an');
    expect(again.entered && again.instance.version).toBe(2);
  });
});
