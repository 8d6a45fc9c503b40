import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enteredAndExited, type RecipeWorld, recipeWorld, sends, track } from './recipe-world';
import { welcomeSeries } from './welcome-series.recipe';

/*
 * Recipe 2 end to end: Lan (Ho Chi Minh City, pro plan) and John (New York, free plan) sign up
 * at the same instant, on a Friday. The tips wait for 09:00 on the next weekday on each one's own
 * wall clock; in New York that Monday is already on daylight time (from Sunday 8 March 2026).
 */
describe('recipe: the welcome series', () => {
  let world: RecipeWorld;
  beforeEach(async () => {
    world = await recipeWorld('2026-03-06T15:00:00.000Z'); // Fri 22:00 in Ho Chi Minh City, Fri 10:00 in New York
    await world.journeys.publish(welcomeSeries);
    await world.person('lan', {
      firstName: 'Lan',
      email: 'lan@example.com',
      plan: 'pro',
      timezone: 'Asia/Ho_Chi_Minh',
    });
    await world.person('john', {
      firstName: 'John',
      email: 'john@example.com',
      plan: 'free',
      timezone: 'America/New_York',
    });
  });
  afterEach(() => world.close());

  const mails = () =>
    world.smtp.messages
      .map((mail) => [mail.to && 'text' in mail.to ? mail.to.text : '', mail.subject ?? ''])
      .sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));
  const inboxTitles = async (profileId: string) =>
    (await world.inbox.list(profileId, { limit: 100 })).items.map((item) => item.title);

  it('welcomes at once, then sends the tips by plan at 09:00 on the next weekday in each time zone, then an in-app note', async () => {
    const now = world.clock.now();
    await world.append(
      track('lan', now, 'Signed Up', { method: 'email' }),
      track('john', now, 'Signed Up', { method: 'google' }),
    );
    await world.settle();
    expect(mails()).toEqual([
      ['john@example.com', 'Welcome, John'],
      ['lan@example.com', 'Welcome, Lan'],
    ]);
    const [lan] = await world.journeys.instancesOf('lan');
    const [john] = await world.journeys.instancesOf('john');
    expect(lan).toMatchObject({ status: 'waiting', node: 'weekday-morning' });
    expect(john).toMatchObject({ status: 'waiting', node: 'weekday-morning' });

    // Saturday and Sunday pass; Monday 09:00 in Ho Chi Minh City is 02:00 UTC.
    await world.advanceTo('2026-03-09T01:59:59.999Z');
    expect(world.smtp.messages).toHaveLength(2);
    await world.advanceTo('2026-03-09T02:00:00.000Z');
    expect(await world.journeys.instance(lan!.id)).toMatchObject({
      status: 'exited',
      outcome: { kind: 'exit-node', id: 'done' },
    });
    expect(await world.journeys.instance(john!.id)).toMatchObject({
      status: 'waiting',
      node: 'weekday-morning',
    });

    // Monday 09:00 in New York, on daylight time since Sunday, is 13:00 UTC (14:00 on standard time).
    await world.advanceTo('2026-03-09T12:59:59.999Z');
    expect(world.smtp.messages).toHaveLength(3);
    await world.advanceTo('2026-03-09T13:00:00.000Z');

    expect(await sends(world.storage, 'lan')).toEqual([
      ['welcome', 'email', '2026-03-06T15:00:00.000Z'],
      ['note', 'in-app', '2026-03-09T02:00:00.000Z'],
      ['tips-pro', 'email', '2026-03-09T02:00:00.000Z'],
    ]);
    expect(await sends(world.storage, 'john')).toEqual([
      ['welcome', 'email', '2026-03-06T15:00:00.000Z'],
      ['note', 'in-app', '2026-03-09T13:00:00.000Z'],
      ['tips-free', 'email', '2026-03-09T13:00:00.000Z'],
    ]);
    expect(mails()).toEqual([
      ['john@example.com', 'Tips: your first segment'],
      ['john@example.com', 'Welcome, John'],
      ['lan@example.com', 'Pro tips: automate your journeys'],
      ['lan@example.com', 'Welcome, Lan'],
    ]);
    expect(await inboxTitles('lan')).toEqual(['Your workspace is ready']);
    expect(await inboxTitles('john')).toEqual(['Your workspace is ready']);
    for (const [profileId, instance, tips] of [
      ['lan', lan, 'tips-pro'],
      ['john', john, 'tips-free'],
    ] as const) {
      const done = await world.journeys.instance(instance!.id);
      expect(done).toMatchObject({ status: 'exited', outcome: { kind: 'exit-node', id: 'done' } });
      expect(done?.path.map((step) => step.node)).toEqual([
        'welcome',
        'weekday-morning',
        'by-plan',
        tips,
        'note',
        'done',
      ]);
      expect(await enteredAndExited(world.storage, profileId)).toEqual([
        ['Journey Entered', 'welcome-series'],
        ['Journey Exited', 'welcome-series', 'exit-node', 'done'],
      ]);
    }
    expect(world.push.received).toEqual([]);
    expect(world.zns.requests).toEqual([]);
    expect(world.sms.requests).toEqual([]);
  });
});
