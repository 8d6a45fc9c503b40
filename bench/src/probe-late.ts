import { memoryStorage } from '@cx/core';
import { TIMER_QUEUE } from '@cx/journey';
import { visitInstances } from './journey/read-instances';
import { settableClock } from './journey/settable-clock';
import { enterPeople, journeyRuntime, singleWait, WAIT_MS } from './journey/wait-chain';

const START = Date.parse('2026-01-01T00:00:00Z');
const waiting = Number(process.argv[2]);
const SPREAD = Number(process.argv[3]);
const MEASURED = SPREAD / 5;
const { clock, set, start } = settableClock(START - WAIT_MS);
const storage = memoryStorage({ clock });
const journeys = await journeyRuntime({
  storage,
  clock,
  workspaceId: 'w',
  definition: singleWait,
  idle: { minMs: 1, maxMs: 5 },
});
for (let from = 0; from < waiting; from += 1000) {
  set(START - WAIT_MS + Math.floor((from / waiting) * SPREAD));
  await enterPeople(journeys, singleWait.id, 1000, from);
}
set(START - WAIT_MS);
await journeys.drain();
set(START);
start();
journeys.start();
const t0 = performance.now();
for (;;) {
  const next = await storage.work.nextDueAt('w', TIMER_QUEUE);
  if (next === null || Date.parse(next) >= START + MEASURED) break;
  await new Promise((r) => setTimeout(r, 250));
}
await journeys.stop();
console.log('waited', (performance.now() - t0).toFixed(0));
const measured = Math.floor((waiting * MEASURED) / SPREAD);
const late: number[] = [];
await visitInstances(storage, 'w', singleWait.id, measured, (s) => {
  late.push(s.path[1]!.at - (s.path[0]!.at + WAIT_MS));
});
late.sort((a, b) => a - b);
console.log(
  'p50',
  late[Math.floor(measured / 2)],
  'p99',
  late[Math.floor(measured * 0.99)],
  'max',
  late[measured - 1],
);
const [first] = await journeys.instancesOf('p0');
console.log(JSON.stringify(first?.path));
