import { MESSAGES_COLLECTION, type MessageRecord, type MessageStatus } from '@cx/channels';
import type { Page, StoredDocument } from '@cx/core';
import type { JourneyDefinition } from '../definition/journey-types';
import type { SimulatedRuntime } from './simulated-runtime';
import type { ChannelCounts, RuleHits, SimulationOptions, SimulationReport } from './simulation-types';

/** What the report says besides the runtime's own numbers. */
export interface ReportFacts {
  version: number;
  period: SimulationReport['period'];
  events: SimulationReport['events'];
  profiles: number;
  channels: SimulationOptions['channels'];
}

const SENT: ReadonlySet<MessageStatus> = new Set(['sent', 'delivered', 'opened', 'clicked']);
const PENDING: ReadonlySet<MessageStatus> = new Set(['queued', 'held', 'sending']);

/** The node of a journey message's step key (`${instanceId}/${node}`, `#n` on later visits). */
const nodeOfStep = (step: string) => (step.split('/').at(-1) ?? step).replace(/#\d+$/, '');

const add = (counts: ChannelCounts, channel: keyof ChannelCounts) => {
  counts[channel] = (counts[channel] ?? 0) + 1;
};

/** The hits of a rule, created at zero the first time a rule not in the configuration shows up. */
const hitsOf = (pressure: Record<string, RuleHits>, rule: string): RuleHits => {
  const hits = pressure[rule] ?? { held: 0, dropped: 0 };
  pressure[rule] = hits;
  return hits;
};

/** The journey's message records, a page at a time, in key order. */
async function* messageRecords(runtime: SimulatedRuntime, source: string) {
  let cursor: string | null = null;
  do {
    const page: Page<StoredDocument<MessageRecord>> = await runtime.storage.documents.list<MessageRecord>(
      runtime.workspaceId,
      MESSAGES_COLLECTION,
      { limit: 1000, cursor },
    );
    for (const document of page.items) if (document.value.source === source) yield document.value;
    cursor = page.nextCursor;
  } while (cursor);
}

/**
 * The report of a finished simulation: node, goal and instance counts from the runtime's
 * `stats`; sends from the recording adapters (what reached a "provider"), placed on nodes through
 * the message records; webhook calls per node, as the simulation's `fetch` recorded them; and, from each record's history, the contact-pressure rules that held or
 * dropped it and the consent rule that suppressed it. Every pressure rule of the configuration
 * is listed, with zeros when it never applied.
 *
 * @example
 * ```ts
 * const report = await simulationReport(runtime, definition, facts);
 * report.pressure['daily-marketing']; // { held: 12, dropped: 0 }
 * ```
 */
export async function simulationReport(
  runtime: SimulatedRuntime,
  definition: JourneyDefinition,
  facts: ReportFacts,
): Promise<SimulationReport> {
  const stats = await runtime.journeys.stats(definition.id, facts.version);
  const goals: SimulationReport['goals'] = {};
  for (const [id, count] of Object.entries(stats.goals))
    goals[id] = { count, rate: stats.instances.total === 0 ? 0 : count / stats.instances.total };

  const messages: SimulationReport['messages'] = {
    enqueued: 0,
    sent: 0,
    failed: 0,
    suppressed: 0,
    dropped: 0,
    pending: 0,
  };
  const pressure: Record<string, RuleHits> = {};
  for (const rule of facts.channels?.pressure?.rules ?? []) pressure[rule.id] = { held: 0, dropped: 0 };
  const suppressed: Record<string, number> = {};
  const nodeOf = new Map<string, string>();
  for await (const record of messageRecords(runtime, `journey:${definition.id}@${facts.version}`)) {
    nodeOf.set(record.id, nodeOfStep(record.step));
    messages.enqueued += 1;
    if (SENT.has(record.status)) messages.sent += 1;
    else if (PENDING.has(record.status)) messages.pending += 1;
    else if (record.status === 'failed') messages.failed += 1;
    else if (record.status === 'suppressed') messages.suppressed += 1;
    else if (record.status === 'dropped') messages.dropped += 1;
    // A message held again and again by one rule (a cap that is still full) is one hit of it.
    const held = new Set<string>();
    const dropped = new Set<string>();
    for (const attempt of record.history) {
      if (attempt.rule === undefined) continue;
      if (attempt.outcome === 'held') held.add(attempt.rule);
      else if (attempt.outcome === 'dropped') dropped.add(attempt.rule);
    }
    for (const rule of held) hitsOf(pressure, rule).held += 1;
    for (const rule of dropped) hitsOf(pressure, rule).dropped += 1;
    if (record.status === 'suppressed' && record.decision)
      suppressed[record.decision.rule] = (suppressed[record.decision.rule] ?? 0) + 1;
  }

  const sends: SimulationReport['sends'] = { total: 0, byChannel: {}, byNode: {} };
  for (const recorder of runtime.recorders) {
    for (const send of recorder.sent) {
      sends.total += 1;
      add(sends.byChannel, send.channel);
      const node = nodeOf.get(send.messageId);
      if (node === undefined) continue;
      const counts = sends.byNode[node] ?? {};
      sends.byNode[node] = counts;
      add(counts, send.channel);
    }
  }

  const webhooks: SimulationReport['webhooks'] = { total: runtime.webhooks.length, byNode: {} };
  for (const call of runtime.webhooks) webhooks.byNode[call.node] = (webhooks.byNode[call.node] ?? 0) + 1;

  return {
    journeyId: definition.id,
    period: facts.period,
    events: facts.events,
    profiles: facts.profiles,
    instances: stats.instances,
    nodes: stats.nodes,
    goals,
    conversionRate: stats.conversionRate,
    sends,
    webhooks,
    messages,
    pressure,
    suppressed,
  };
}
