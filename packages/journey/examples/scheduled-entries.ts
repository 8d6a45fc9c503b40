import { createChannels } from '@cx/channels';
import { createInbox, inAppChannel } from '@cx/channels/in-app';
import { ManualClock, memoryStorage } from '@cx/core';
import { createJourneys, defineJourney, exit, message, onSchedule } from '@cx/journey';

// Monday 2 March 2026, 03:00Z: 10:00 in Ho Chi Minh City, 22:00 on Sunday in New York.
const clock = new ManualClock('2026-03-02T03:00:00Z');
const storage = memoryStorage({ clock });
const inbox = createInbox({ storage, workspaceId: 'shop', clock });
const channels = createChannels({ storage, workspaceId: 'shop', clock, adapters: [inAppChannel({ inbox })] });

// A segment held in memory here. With @cx/segments:
//   segmentMembers: (segment) => membersAt(storage, 'shop', segment, Date.now()),
//   segmentsOf: async (profileId) => (await engine.segmentsOf(profileId)).map((each) => each.segmentId),
const subscribers = new Set(['lan', 'bob']);
const journeys = createJourneys({
  storage,
  workspaceId: 'shop',
  clock,
  channels,
  segmentMembers: () => [...subscribers],
  segmentsOf: (profileId) => (subscribers.has(profileId) ? ['subscribers'] : []),
});

await storage.profiles.create('shop', { id: 'lan', traits: { timezone: 'Asia/Ho_Chi_Minh' } });
await storage.profiles.create('shop', { id: 'bob', traits: { timezone: 'America/New_York' } });
await journeys.publish(
  defineJourney({
    id: 'morning-digest',
    // Weekdays at 09:00 where each subscriber lives.
    entry: onSchedule({ every: 'day', at: '09:00', weekdays: [1, 2, 3, 4, 5], segment: 'subscribers' }),
    start: 'digest',
    nodes: [
      message(
        'digest',
        {
          channels: ['in-app'],
          category: 'marketing',
          templates: {
            'in-app': {
              id: 'morning-digest',
              channel: 'in-app',
              defaultLocale: 'en-US',
              variants: { 'en-US': { title: 'Good morning', text: 'Your digest' } },
            },
          },
        },
        'done',
      ),
      exit('done'),
    ],
  }),
);

const dispatcher = channels.dispatcher();
// Two days, an hour at a time (in production: `journeys.start()` and the system clock).
for (let hour = 0; hour < 48; hour++) {
  await journeys.drain(); // plans the next day's entries, then admits whoever's 09:00 has come
  await dispatcher.drain();
  clock.advance(3_600_000);
}

const local = (at: number, timeZone: string) =>
  new Date(at).toLocaleString('sv-SE', { timeZone }).slice(0, 16);
for (const [profileId, timeZone] of [
  ['lan', 'Asia/Ho_Chi_Minh'],
  ['bob', 'America/New_York'],
] as const) {
  const entered = (await journeys.instancesOf(profileId)).map((each) => local(each.enteredAt, timeZone));
  console.log(`${profileId}: ${entered.join(', ')}`);
}
// lan: 2026-03-03 09:00, 2026-03-04 09:00  (Monday's 09:00 had passed when it was published)
// bob: 2026-03-02 09:00, 2026-03-03 09:00
