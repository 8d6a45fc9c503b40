import { ConfigError } from '@cx/core';
import { parseJourney } from '../definition/define-journey';
import type { JourneyDefinition } from '../definition/journey-types';
import { journeyHorizonMs } from './journey-horizon';
import { seedScratch } from './seed-scratch';
import { createSimulatedRuntime } from './simulated-runtime';
import { isSimulationSource, readHistory } from './simulation-events';
import { simulationReport } from './simulation-report';
import type { SimulationOptions, SimulationReport } from './simulation-types';

const msOf = (time: string | number | Date) => (typeof time === 'number' ? time : new Date(time).getTime());
const isoOrNull = (time: number | null) => (time === null ? null : new Date(time).toISOString());

/**
 * Runs a journey over a historical event log with a simulated clock, before launch, and reports
 * what it would have done: per node entered, left, waiting at the end, converted and dropped
 * off; goal conversions; sends per channel and node; webhook calls per node (recorded by a
 * `fetch` that answers 204: no webhook is ever called); messages held or dropped by each frequency
 * cap and quiet-hours rule; messages consent suppressed.
 *
 * It runs the production code, not a model of it: `createJourneys` and `createChannels` on a
 * scratch `memoryStorage` whose clock is a `ManualClock`, with the history's profiles copied in
 * and a recording adapter per channel in place of the providers. The events are appended in
 * timestamp order; before each one the clock stops at every timer and outbox item due by then,
 * in order, so waits, timeouts, caps and quiet-hour holds happen when they would have. After the
 * last event it runs on to `until`. The source storage is only read. The same inputs give the
 * same report.
 *
 * @example
 * ```ts
 * import { simulateJourney } from '@cx/journey';
 *
 * const report = await simulateJourney(abandonedCart, {
 *   events: { storage, workspaceId: 'shop', from: '2026-02-01', to: '2026-03-01' },
 *   channels: { pressure: { rules: [{ id: 'daily', kind: 'cap', max: 1, per: 'day' }] } },
 * });
 * report.nodes['wait-order'].entered; // people who got the first message
 * report.goals.ordered.rate; // share of entrants who ordered that cart
 * report.pressure.daily.held; // messages the daily cap held back
 * ```
 *
 * @throws `ValidationError` for a definition that does not validate, `ConfigError` for an
 * `until` before the last event; a failure of the runtime or the outbox during the run is
 * thrown once the run ends, since a report that silently missed steps would mislead.
 */
export async function simulateJourney(
  definition: JourneyDefinition | unknown,
  options: SimulationOptions,
): Promise<SimulationReport> {
  const journey = parseJourney(definition);
  const history = await readHistory(options.events);
  const first = history.events[0];
  const last = history.events.at(-1);
  const firstAt = first ? Date.parse(first.timestamp) : null;
  const lastAt = last ? Date.parse(last.timestamp) : null;
  const until = options.until === undefined ? (lastAt ?? 0) + journeyHorizonMs(journey) : msOf(options.until);
  if (!Number.isFinite(until)) throw new ConfigError(`simulation: until is not a time`);
  if (lastAt !== null && until < lastAt)
    throw new ConfigError(`simulation: until ${new Date(until).toISOString()} is before the last event`);

  const runtime = createSimulatedRuntime(journey, firstAt ?? until, options);
  try {
    const source = isSimulationSource(options.events) ? options.events : undefined;
    const profiles = await seedScratch(
      runtime.storage,
      runtime.workspaceId,
      journey,
      history.events,
      options,
      source,
    );
    const { version } = await runtime.journeys.publish(journey);
    for (const event of history.events) {
      await runtime.advanceTo(Date.parse(event.timestamp));
      await runtime.append(event);
    }
    await runtime.advanceTo(until);
    if (runtime.errors.length > 0) throw runtime.errors[0];
    return await simulationReport(runtime, journey, {
      version,
      period: { first: isoOrNull(firstAt), last: isoOrNull(lastAt), until: new Date(until).toISOString() },
      events: { read: history.read, replayed: history.events.length, skipped: history.skipped },
      profiles,
      channels: options.channels,
    });
  } finally {
    await runtime.storage.close();
  }
}
