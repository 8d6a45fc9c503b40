/**
 * The whole cx loop on one machine: simulated shop traffic goes through identity resolution into
 * embedded SQLite, segments update in real time, an abandoned-cart journey sends email through
 * SMTP to a local server, and a report shows what happened. Everything runs on a manual clock, so
 * five days take seconds.
 *
 *   pnpm demo
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createChannels, MESSAGES_COLLECTION, type MessageRecord } from '@cx/channels';
import { smtpEmail } from '@cx/channels/email';
import { ManualClock, type Page, seededRandom } from '@cx/core';
import { createIdentity } from '@cx/identity';
import { createJourneys, measureJourneyMap } from '@cx/journey';
import { createSegmentEngine, sizeOverTime } from '@cx/segments';
import { sqliteStorage } from '@cx/storage-sqlite';
import { generateTraffic } from './generate-traffic';
import { startLocalSmtp } from './local-smtp';
import { printReport } from './report';
import { abandonedCart, segments, shopMap } from './shop-setup';

const WORKSPACE = 'demo-shop';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const START = Date.parse('2026-03-02T01:00:00Z'); // 08:00 in Hồ Chí Minh City
const TRAFFIC_DAYS = 3;
// Two more days after the last visitor, so the last carts reach their reminder and timeout.
const END = START + (TRAFFIC_DAYS + 2) * DAY + 6 * 60 * MINUTE;
// How far the clock moves between two rounds of segments, journeys and the outbox.
const TICK = 15 * MINUTE;

const startedAt = performance.now();
const failures: unknown[] = [];
const onError = (error: unknown) => failures.push(error);

const smtp = await startLocalSmtp();
const dir = mkdtempSync(path.join(os.tmpdir(), 'cx-shop-loop-'));
const clock = new ManualClock(START);
const storage = sqliteStorage({ filename: path.join(dir, 'shop.db'), clock });
const email = smtpEmail({
  from: 'Cửa hàng cx <shop@shop.example>',
  smtp: { host: smtp.host, port: smtp.port, secure: false },
  messageIdDomain: 'shop.example',
});

try {
  const identity = createIdentity({ storage, clock, config: { phoneRegion: 'VN' } });
  const engine = createSegmentEngine({ storage, workspaceId: WORKSPACE, clock, onError });
  const channels = createChannels({
    storage,
    workspaceId: WORKSPACE,
    clock,
    adapters: [email],
    // Marketing email needs signed one-click unsubscribe links; @cx/server would serve them here.
    links: { baseUrl: 'https://cx.shop.example', secret: 'demo-only-link-secret-0123456789abcdef' },
    defaults: { locale: 'vi-VN', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' },
    random: seededRandom(7),
    onError,
  });
  const journeys = createJourneys({ storage, workspaceId: WORKSPACE, clock, channels, onError });
  const dispatcher = channels.dispatcher({ onError });

  for (const segment of segments) await engine.define(segment);
  await journeys.publish(abandonedCart);
  await engine.drain();

  // What background loops (`start()`) do in production, run to completion at each step of time.
  const settle = async () => {
    for (let round = 0; round < 10; round++) {
      await engine.drain();
      await journeys.drain();
      if ((await dispatcher.drain()) === 0) return;
    }
  };

  const traffic = generateTraffic({ seed: 2026, visitors: 300, start: START, days: TRAFFIC_DAYS });
  let accepted = 0;
  let rejected = 0;
  let next = 0;
  for (let tick = START + TICK; tick <= END; tick += TICK) {
    // Each call arrives at its own time, so identity, profiles and windows see real timestamps.
    for (
      let call = traffic.calls[next];
      call !== undefined && call.at <= tick;
      call = traffic.calls[++next]
    ) {
      clock.set(Math.max(call.at, clock.now()));
      const result = await identity.ingest(WORKSPACE, [call.call]);
      accepted += result.accepted;
      rejected += result.rejected;
      for (const item of result.results)
        if (item.status === 'rejected') onError(new Error(`rejected ${item.code}: ${item.message}`));
    }
    clock.set(tick);
    await settle();
  }

  const profiles = { canonical: 0, identified: 0, anonymous: 0, merges: 0 };
  // `profiles.list` lists canonical profiles; merges are in the log as identity's own events.
  for await (const record of pages((cursor) => storage.profiles.list(WORKSPACE, { cursor, limit: 500 }))) {
    if (record.identifiers.some((identifier) => identifier.type === 'email')) profiles.identified += 1;
    else profiles.anonymous += 1;
  }
  profiles.canonical = profiles.identified + profiles.anonymous;
  for await (const event of pages((cursor) =>
    storage.events.scan(WORKSPACE, { cursor, limit: 5_000, types: ['track'] }),
  ))
    if (event.type === 'track' && event.event === 'Profile Merged') profiles.merges += 1;

  const dayEnds = Array.from({ length: TRAFFIC_DAYS + 2 }, (_, index) => START + (index + 1) * DAY);
  const hourly = Array.from(
    { length: Math.floor((END - START) / (60 * MINUTE)) },
    (_, hour) => START + (hour + 1) * 60 * MINUTE,
  );
  const segmentSizes = [];
  for (const segment of segments) {
    const sizes = await sizeOverTime(storage, WORKSPACE, segment.id, [...dayEnds, END, ...hourly]);
    const points = sizes.map((point) => point.size);
    segmentSizes.push({
      name: segment.name ?? segment.id,
      sizes: [...points.slice(0, dayEnds.length + 1), Math.max(...points)],
    });
  }

  const messages = new Map<string, number>();
  for await (const document of pages((cursor) =>
    storage.documents.list<MessageRecord>(WORKSPACE, MESSAGES_COLLECTION, { cursor, limit: 500 }),
  )) {
    const record = document.value;
    const key = `${record.sentOn ?? record.chain[0]}\t${record.status}`;
    messages.set(key, (messages.get(key) ?? 0) + 1);
  }

  const journey = await journeys.stats(abandonedCart.id);
  const map = await measureJourneyMap(shopMap, {
    storage,
    workspaceId: WORKSPACE,
    from: START,
    to: END,
    window: { days: 7 },
  });

  printReport({
    simulated: { from: START, to: END },
    traffic: {
      visitors: traffic.visitors,
      signUps: traffic.signUps,
      secondDevice: traffic.secondDevice,
      calls: traffic.calls.length,
      accepted,
      rejected,
    },
    profiles,
    segments: segmentSizes,
    segmentDays: [...dayEnds.map((_, index) => `day ${index + 1}`), 'end', 'peak'],
    journey,
    messages: [...messages].map(([key, count]) => {
      const [channel = '', status = ''] = key.split('\t');
      return { channel, status, count };
    }),
    emails: {
      received: smtp.received.length,
      first: smtp.received[0],
      withUnsubscribe: smtp.received.filter((mail) => mail.listUnsubscribe).length,
    },
    map,
    elapsedMs: performance.now() - startedAt,
  });

  // The demo runs in CI: a loop that no longer closes must fail it, not print zeros.
  const problems = [
    ...failures.map(
      (error) => `background failure: ${error instanceof Error ? error.message : String(error)}`,
    ),
    ...(profiles.merges === 0 ? ['no identity merge happened'] : []),
    ...((segmentSizes.find((segment) => segment.name === 'Cart abandoners')?.sizes.at(-1) ?? 0) === 0
      ? ['the cart abandoners segment never had a member']
      : []),
    ...(smtp.received.length === 0 ? ['the local SMTP server received no email'] : []),
    ...((journey.goals.ordered ?? 0) === 0 ? ['no journey instance reached its goal'] : []),
    ...(map.converted === 0 ? ['nobody reached the purchase stage of the journey map'] : []),
  ];
  const sent = [...messages].reduce((sum, [key, count]) => (key.endsWith('\tsent') ? sum + count : sum), 0);
  if (sent !== smtp.received.length)
    problems.push(`${sent} messages sent, but the SMTP server received ${smtp.received.length}`);
  if (problems.length > 0) throw new Error(`the shop loop is broken:\n- ${problems.join('\n- ')}`);
} finally {
  await email.close?.();
  await storage.close();
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Every item of a paged listing. */
async function* pages<T>(list: (cursor: string | null) => Promise<Page<T>>): AsyncGenerator<T> {
  let cursor: string | null = null;
  do {
    const page: Page<T> = await list(cursor);
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor !== null);
}
