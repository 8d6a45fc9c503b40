import type { CxEvent, Storage } from '@cx/core';
import { parseTimestamp } from '../events/parse-timestamp';
import { personOf } from '../events/person-key';
import { readPath } from '../events/property-path';
import { scanEvents } from '../events/read-events';
import {
  type CompiledFunnel,
  compileFunnel,
  type EventMatcher,
  type FunnelDefinitionInput,
} from './definition';
import { type Attempt, evaluatePartition, isBetter } from './evaluate-person';
import { buildFunnelResult, FactCollector, type FunnelResult } from './funnel-result';
import { BEHAVIOUR_TYPES, matches, scalarJson } from './match-event';

/** The compact events of one person (or one person and held value), in arrival order. */
interface Partition {
  person: string;
  ts: number[];
  seq: number[];
  steps: number[];
  exclusions: number[];
  breakdown: (string | null)[] | null;
  /** False once an event arrived earlier than the last one (sorted lazily). */
  sorted: boolean;
  /** The cached evaluation; `undefined` when events arrived since. */
  attempt: Attempt | null | undefined;
}

/** Matchers indexed by track event name, so an event is tested only against steps that can match. */
function indexMatchers(matchers: readonly EventMatcher[]) {
  const byEvent = new Map<string, number[]>();
  const other: number[] = [];
  matchers.forEach((matcher, index) => {
    if (matcher.type === 'track') {
      const list = byEvent.get(matcher.event!) ?? [];
      list.push(index);
      byEvent.set(matcher.event!, list);
    } else other.push(index);
  });
  return (event: CxEvent): number => {
    let bits = 0;
    const candidates = event.type === 'track' ? byEvent.get(event.event) : other;
    if (candidates === undefined) return 0;
    for (const index of candidates) if (matches(matchers[index]!, event)) bits |= 1 << index;
    return bits;
  };
}

/**
 * The streaming (incremental, in-memory) funnel: feed events in any order with {@link add}, read
 * the funnel at any moment with {@link result}. It keeps, per person, only the timestamp, arrival
 * number and matched steps of the events that match a step or an exclusion (every behavioural
 * event in strict mode), and re-evaluates only the people who received events since the last
 * result. Results equal the SQL funnel's on the same events (see the differential tests).
 *
 * @example
 * ```ts
 * import { createStreamingFunnel } from '@cx/metrics';
 * const funnel = createStreamingFunnel({ steps: [{ event: 'Signed Up' }, { event: 'Order Completed' }], windowMs: 7 * 86_400_000 });
 * bus.on('event', (event) => funnel.add(event));
 * const { steps, conversionRate } = funnel.result();
 * ```
 */
export class StreamingFunnel {
  readonly funnel: CompiledFunnel;
  private readonly partitions = new Map<string, Partition>();
  private readonly stepBits: (event: CxEvent) => number;
  private readonly exclusionBits: (event: CxEvent) => number;
  private arrivals = 0;

  constructor(definition: FunnelDefinitionInput) {
    this.funnel = compileFunnel(definition);
    this.stepBits = indexMatchers(this.funnel.definition.steps);
    this.exclusionBits = indexMatchers(this.funnel.exclusions.map((rule) => rule.matcher));
  }

  /** Adds one stored event. Events of other types and outside `[from, to)` are ignored. */
  add(event: CxEvent): void {
    const seq = this.arrivals++;
    const type = event.type;
    if (type !== 'track' && type !== 'page' && type !== 'screen') return;
    const { definition, fromMs, toMs } = this.funnel;
    const steps = this.stepBits(event);
    const exclusions = this.exclusionBits(event);
    if (steps === 0 && exclusions === 0 && definition.order !== 'strict') return;
    const ts = parseTimestamp(event.timestamp);
    if ((fromMs !== null && ts < fromMs) || (toMs !== null && ts >= toMs)) return;
    const person = personOf(event, definition.personKey);
    let key = person;
    if (definition.holdConstant !== undefined) {
      const held = scalarJson(readPath(event.properties, definition.holdConstant));
      if (held === null) return;
      key = `${person}\u0000${held}`;
    }
    let partition = this.partitions.get(key);
    if (partition === undefined) {
      partition = {
        person,
        ts: [],
        seq: [],
        steps: [],
        exclusions: [],
        breakdown: definition.breakdown === undefined ? null : [],
        sorted: true,
        attempt: undefined,
      };
      this.partitions.set(key, partition);
    } else if (partition.sorted && ts < partition.ts[partition.ts.length - 1]!) partition.sorted = false;
    partition.ts.push(ts);
    partition.seq.push(seq);
    partition.steps.push(steps);
    partition.exclusions.push(exclusions);
    partition.breakdown?.push(scalarJson(readPath(event.properties, definition.breakdown!.property)));
    partition.attempt = undefined;
  }

  /** Adds many events. */
  addAll(events: Iterable<CxEvent>): void {
    for (const event of events) this.add(event);
  }

  /** The funnel over every event added so far. */
  result(): FunnelResult {
    // Without a held property each partition is one person, so no per-person reduction is needed.
    const held = this.funnel.definition.holdConstant !== undefined;
    const best = new Map<string, Attempt>();
    const chosen: Attempt[] = [];
    for (const partition of this.partitions.values()) {
      if (partition.attempt === undefined) {
        if (!partition.sorted) sortPartition(partition);
        partition.attempt = evaluatePartition(this.funnel, {
          length: partition.ts.length,
          ts: partition.ts,
          seq: partition.seq,
          steps: partition.steps,
          exclusions: partition.exclusions,
          breakdown: partition.breakdown,
        });
      }
      const attempt = partition.attempt;
      if (attempt === null) continue;
      if (!held) {
        chosen.push(attempt);
        continue;
      }
      const current = best.get(partition.person);
      if (current === undefined || isBetter(attempt, current)) best.set(partition.person, attempt);
    }
    if (held) chosen.push(...best.values());
    const { definition, required, optionalAfter } = this.funnel;
    const facts = new FactCollector(definition.breakdown !== undefined);
    for (const attempt of chosen) {
      const bd = attempt.breakdown;
      if (definition.order === 'any') {
        for (let k = 0; k < attempt.depth; k++) facts.add(bd, k, null);
        if (attempt.total !== null) facts.add(bd, -1, attempt.total);
        continue;
      }
      facts.add(bd, 0, null);
      for (let q = 1; q < attempt.depth; q++) facts.add(bd, required[q]!, attempt.durations[required[q]!]!);
      for (const k of optionalAfter.keys()) {
        if (!Number.isNaN(attempt.durations[k]!)) facts.add(bd, k, attempt.durations[k]!);
      }
      if (attempt.total !== null) facts.add(bd, -1, attempt.total);
    }
    return buildFunnelResult(this.funnel, facts.rows());
  }
}

function sortPartition(partition: Partition): void {
  const order = partition.ts.map((_, i) => i);
  order.sort((a, b) => partition.ts[a]! - partition.ts[b]! || partition.seq[a]! - partition.seq[b]!);
  const reorder = <T>(values: T[]) => order.map((i) => values[i]!);
  partition.ts = reorder(partition.ts);
  partition.seq = reorder(partition.seq);
  partition.steps = reorder(partition.steps);
  partition.exclusions = reorder(partition.exclusions);
  if (partition.breakdown !== null) partition.breakdown = reorder(partition.breakdown);
  partition.sorted = true;
}

/** Creates a {@link StreamingFunnel}; throws a `ValidationError` for a bad definition. */
export function createStreamingFunnel(definition: FunnelDefinitionInput): StreamingFunnel {
  return new StreamingFunnel(definition);
}

/**
 * Computes a funnel over a workspace's stored events by streaming them through
 * `storage.events.scan` (works on every adapter). For SQL adapters, {@link sqlFunnel} pushes the
 * same computation into the database instead.
 *
 * @example
 * ```ts
 * const result = await streamFunnel(storage, 'acme', { steps: [{ event: 'Product Viewed' }, { event: 'Order Completed' }], windowMs: 86_400_000 });
 * ```
 */
export async function streamFunnel(
  storage: Storage,
  workspaceId: string,
  definition: FunnelDefinitionInput,
): Promise<FunnelResult> {
  const funnel = new StreamingFunnel(definition);
  for await (const event of scanEvents(storage, workspaceId, BEHAVIOUR_TYPES)) funnel.add(event);
  return funnel.result();
}
