import { afterEach, describe, expect, it } from 'vitest';
import type { JourneyDefinition } from '../../src/definition/journey-types';
import { DAY, type Embedded, embedded, storages } from './runtime-fixtures';

/* Re-entry rules and entry caps, through `enter` (api entries) and the event log. */
const journey = (extra: Partial<JourneyDefinition>): JourneyDefinition => ({
  id: 'nurture',
  entry: { type: 'api' },
  start: 'wait',
  nodes: [
    { type: 'wait', id: 'wait', for: { days: 1 }, next: 'done' },
    { type: 'exit', id: 'done' },
  ],
  ...extra,
});

describe.each(storages)('admission on %s storage', (_name, open) => {
  let setup: Embedded;
  afterEach(async () => setup.close());

  it('once: a second entry is refused, even after the first ended', async () => {
    setup = await embedded(open, { an: {} });
    await setup.journeys.publish(journey({ reentry: { mode: 'once' } }));
    expect((await setup.journeys.enter('nurture', 'an')).entered).toBe(true);
    expect(await setup.journeys.enter('nurture', 'an')).toEqual({ entered: false, reason: 'reentry' });
    setup.clock.advance(DAY);
    await setup.settle();
    expect((await setup.journeys.instancesOf('an'))[0]?.status).toBe('exited');
    expect(await setup.journeys.enter('nurture', 'an')).toEqual({ entered: false, reason: 'reentry' });
  });

  it('after-exit with a cooldown: not while running, not within the cooldown, then again', async () => {
    setup = await embedded(open, { an: {} });
    await setup.journeys.publish(journey({ reentry: { mode: 'after-exit', cooldown: { days: 2 } } }));
    expect((await setup.journeys.enter('nurture', 'an')).entered).toBe(true);
    expect(await setup.journeys.enter('nurture', 'an')).toEqual({ entered: false, reason: 'reentry' });
    setup.clock.advance(DAY);
    await setup.settle();
    expect(await setup.journeys.enter('nurture', 'an')).toEqual({ entered: false, reason: 'cooldown' });
    setup.clock.advance(2 * DAY);
    const again = await setup.journeys.enter('nurture', 'an');
    expect(again.entered && again.instance.id).toBe('nurture@1/an/2');
  });

  it('always: several instances at once', async () => {
    setup = await embedded(open, { an: {} });
    await setup.journeys.publish(journey({ reentry: { mode: 'always' } }));
    for (let n = 0; n < 3; n++) expect((await setup.journeys.enter('nurture', 'an')).entered).toBe(true);
    expect((await setup.journeys.instancesOf('an')).map((each) => each.status)).toEqual([
      'waiting',
      'waiting',
      'waiting',
    ]);
  });

  it('an entry cap per day holds across people and opens again the next day', async () => {
    setup = await embedded(open, { a: {}, b: {}, c: {} });
    await setup.journeys.publish(journey({ entryCap: { max: 2, per: 'day' } }));
    expect((await setup.journeys.enter('nurture', 'a')).entered).toBe(true);
    expect((await setup.journeys.enter('nurture', 'b')).entered).toBe(true);
    expect(await setup.journeys.enter('nurture', 'c')).toEqual({ entered: false, reason: 'cap' });
    setup.clock.advance(DAY);
    expect((await setup.journeys.enter('nurture', 'c')).entered).toBe(true);
  });

  it('an entry cap per journey is for good', async () => {
    setup = await embedded(open, { a: {}, b: {} });
    await setup.journeys.publish(journey({ entryCap: { max: 1, per: 'journey' } }));
    expect((await setup.journeys.enter('nurture', 'a')).entered).toBe(true);
    setup.clock.advance(30 * DAY);
    expect(await setup.journeys.enter('nurture', 'b')).toEqual({ entered: false, reason: 'cap' });
  });

  it('two concurrent entries of one person under once make one instance', async () => {
    setup = await embedded(open, { an: {} });
    await setup.journeys.publish(journey({ reentry: { mode: 'once' } }));
    const results = await Promise.all([0, 1, 2, 3].map(() => setup.journeys.enter('nurture', 'an')));
    expect(results.filter((result) => result.entered)).toHaveLength(1);
    expect(await setup.journeys.instancesOf('an')).toHaveLength(1);
  });
});
