import { assertWorkspaceId, type CxEvent, type Storage } from '@cx/core';
import { parseTimestamp } from '../events/parse-timestamp';
import { type CanonicalProfiles, personOf } from '../events/person-key';
import { createProfileResolver } from '../events/profile-resolver';
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
  /** The person under the funnel's key; under `canonical`, the key as attributed on arrival. */
  person: string;
  /** Under `canonical`: the arrival `profileId`, resolved when results are read; else `null`. */
  profileId: string | null;
  /** The held property's value (JSON text), or `null` without `holdConstant`. */
  held: string | null;
  /** Scratch for {@link StreamingFunnel.result}: the person after resolving merges. */
  resolved: string;
  ts: number[];
  seq: number[];
  steps: number[];
  exclusions: number[];
  breakdown: (string | null)[] | null;
  /** False once an event arrived earlier than the last one (sorted lazily). */
  sorted: boolean;
  /** The cached evaluation; `undefined` when events arrived since. */
  attempt: Attempt | null | undefined;
  /** Increases with every event, so evaluations of merged partitions know when to redo. */
  version: number;
}

/** Partitions evaluated as one: a person's (and held value's) events from every merged profile. */
interface Unit {
  key: string;
  person: string;
  parts: Partition[];
}

/** A cached evaluation of several partitions, valid while their versions are unchanged. */
interface MergedEvaluation {
  parts: Partition[];
  versions: number[];
  attempt: Attempt | null;
}

/** Options of {@link StreamingFunnel}. */
export interface StreamingFunnelOptions {
  /**
   * Resolves merged profiles for the `canonical` person key, such as a `ProfileResolver`. Without
   * it no merge is known and `canonical` counts like `profile`.
   */
  profiles?: CanonicalProfiles;
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
 * Under the `canonical` person key, events are kept by the profile they arrived with and grouped
 * by surviving profile when results are read, so a merge made after the events arrived still
 * joins them: with a `ProfileResolver`, `await loadProfiles()` before {@link result} (and
 * `clear()` the resolver to see merges made since its last load).
 *
 * @example
 * ```ts
 * import { createStreamingFunnel } from '@cx/metrics';
 * const funnel = createStreamingFunnel({ steps: [{ event: 'Signed Up' }, { event: 'Order Completed' }], windowMs: 7 * 86_400_000 });
 * bus.on('event', (event) => funnel.add(event));
 * const { steps, conversionRate } = funnel.result();
 *
 * // Counting merged profiles as one person:
 * const profiles = createProfileResolver(storage, 'acme');
 * const merged = createStreamingFunnel(definition, { profiles });
 * merged.addAll(events);
 * await merged.loadProfiles();
 * merged.result();
 * ```
 */
export class StreamingFunnel {
  readonly funnel: CompiledFunnel;
  private readonly partitions = new Map<string, Partition>();
  private readonly stepBits: (event: CxEvent) => number;
  private readonly exclusionBits: (event: CxEvent) => number;
  private readonly profiles: CanonicalProfiles | undefined;
  private merged = new Map<string, MergedEvaluation>();
  private arrivals = 0;

  constructor(definition: FunnelDefinitionInput, options: StreamingFunnelOptions = {}) {
    this.funnel = compileFunnel(definition);
    this.profiles = options.profiles;
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
    const canonical = definition.personKey === 'canonical';
    // Canonical people are resolved when results are read; until then events keep their arrival key.
    const person = personOf(event, canonical ? 'profile' : definition.personKey);
    let held: string | null = null;
    if (definition.holdConstant !== undefined) {
      held = scalarJson(readPath(event.properties, definition.holdConstant));
      if (held === null) return;
    }
    const key = held === null ? person : `${person}\u0000${held}`;
    let partition = this.partitions.get(key);
    if (partition === undefined) {
      partition = {
        person,
        profileId: canonical ? (event.profileId ?? null) : null,
        held,
        resolved: person,
        ts: [],
        seq: [],
        steps: [],
        exclusions: [],
        breakdown: definition.breakdown === undefined ? null : [],
        sorted: true,
        attempt: undefined,
        version: 0,
      };
      this.partitions.set(key, partition);
    } else if (partition.sorted && ts < partition.ts[partition.ts.length - 1]!) partition.sorted = false;
    partition.ts.push(ts);
    partition.seq.push(seq);
    partition.steps.push(steps);
    partition.exclusions.push(exclusions);
    partition.breakdown?.push(scalarJson(readPath(event.properties, definition.breakdown!.property)));
    partition.attempt = undefined;
    partition.version++;
  }

  /** Adds many events. */
  addAll(events: Iterable<CxEvent>): void {
    for (const event of events) this.add(event);
  }

  /** The distinct profile ids of the events added so far (under the `canonical` key). */
  profileIds(): Set<string> {
    const ids = new Set<string>();
    for (const partition of this.partitions.values())
      if (partition.profileId !== null) ids.add(partition.profileId);
    return ids;
  }

  /**
   * Loads the surviving profiles of every profile seen so far into the resolver given as
   * `profiles` (when it loads asynchronously, as `ProfileResolver` does); call it before
   * {@link result}. Nothing to do under other person keys.
   */
  async loadProfiles(): Promise<void> {
    if (this.funnel.definition.personKey !== 'canonical' || this.profiles?.load === undefined) return;
    await this.profiles.load(this.profileIds());
  }

  /**
   * The funnel over every event added so far. Throws the resolver's error (a `ConfigError` from
   * `ProfileResolver`) when a profile was not loaded: see {@link loadProfiles}.
   */
  result(): FunnelResult {
    // Without a held property each unit is one person, so no per-person reduction is needed.
    const held = this.funnel.definition.holdConstant !== undefined;
    const best = new Map<string, Attempt>();
    const chosen: Attempt[] = [];
    const merged = new Map<string, MergedEvaluation>();
    this.forEachPerson(merged, (person, attempt) => {
      if (attempt === null) return;
      if (!held) {
        chosen.push(attempt);
        return;
      }
      const current = best.get(person);
      if (current === undefined || isBetter(attempt, current)) best.set(person, attempt);
    });
    this.merged = merged;
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

  /**
   * Evaluates every person (with a held property: every person and held value). Under the
   * `canonical` key only partitions whose profile was merged into another move: they are grouped
   * by surviving profile and joined to the partition already keyed by it, if any. Without merges
   * every partition is evaluated alone, as under the other keys, and nothing is copied.
   */
  private forEachPerson(
    merged: Map<string, MergedEvaluation>,
    visit: (person: string, attempt: Attempt | null) => void,
  ): void {
    const profiles = this.funnel.definition.personKey === 'canonical' ? this.profiles : undefined;
    if (profiles === undefined) {
      for (const partition of this.partitions.values()) visit(partition.person, this.evaluate(partition));
      return;
    }
    const moved = new Map<string, Unit>();
    for (const partition of this.partitions.values()) {
      partition.resolved =
        partition.profileId === null ? partition.person : profiles.canonicalOf(partition.profileId);
      if (partition.resolved === partition.person) continue;
      const key =
        partition.held === null ? partition.resolved : `${partition.resolved}\u0000${partition.held}`;
      const unit = moved.get(key);
      if (unit === undefined) moved.set(key, { key, person: partition.resolved, parts: [partition] });
      else unit.parts.push(partition);
    }
    for (const [key, partition] of this.partitions) {
      if (partition.resolved !== partition.person) continue;
      const unit = moved.get(key);
      if (unit === undefined) {
        visit(partition.person, this.evaluate(partition));
        continue;
      }
      unit.parts.unshift(partition);
      moved.delete(key);
      visit(unit.person, this.evaluateMerged(unit, merged));
    }
    for (const unit of moved.values()) {
      visit(
        unit.person,
        unit.parts.length === 1 ? this.evaluate(unit.parts[0]!) : this.evaluateMerged(unit, merged),
      );
    }
  }

  private evaluate(partition: Partition): Attempt | null {
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
    return partition.attempt;
  }

  /** Evaluates the events of several partitions as one, reusing the last evaluation when unchanged. */
  private evaluateMerged(unit: Unit, next: Map<string, MergedEvaluation>): Attempt | null {
    const versions = unit.parts.map((part) => part.version);
    const cached = this.merged.get(unit.key);
    if (
      cached !== undefined &&
      cached.parts.length === unit.parts.length &&
      cached.parts.every((part, i) => part === unit.parts[i] && cached.versions[i] === versions[i])
    ) {
      next.set(unit.key, cached);
      return cached.attempt;
    }
    const combined: Partition = {
      person: unit.person,
      profileId: null,
      held: null,
      resolved: unit.person,
      ts: unit.parts.flatMap((part) => part.ts),
      seq: unit.parts.flatMap((part) => part.seq),
      steps: unit.parts.flatMap((part) => part.steps),
      exclusions: unit.parts.flatMap((part) => part.exclusions),
      breakdown: unit.parts[0]!.breakdown === null ? null : unit.parts.flatMap((part) => part.breakdown!),
      sorted: false,
      attempt: undefined,
      version: 0,
    };
    const attempt = this.evaluate(combined);
    next.set(unit.key, { parts: unit.parts, versions, attempt });
    return attempt;
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
export function createStreamingFunnel(
  definition: FunnelDefinitionInput,
  options: StreamingFunnelOptions = {},
): StreamingFunnel {
  return new StreamingFunnel(definition, options);
}

/**
 * Computes a funnel over a workspace's stored events by streaming them through
 * `storage.events.scan` (works on every adapter). Under the `canonical` person key (the default)
 * merged profiles are resolved through `storage.profiles`, batched and cached (see
 * `ProfileResolver`). For SQL adapters, {@link sqlFunnel} pushes the same computation into the
 * database instead.
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
  assertWorkspaceId(workspaceId);
  const funnel = new StreamingFunnel(definition, { profiles: createProfileResolver(storage, workspaceId) });
  // The store skips events outside the funnel's [from, to); `add` would ignore them anyway.
  const { fromMs, toMs } = funnel.funnel;
  const range = { ...(fromMs === null ? {} : { from: fromMs }), ...(toMs === null ? {} : { to: toMs }) };
  for await (const event of scanEvents(storage, workspaceId, { types: BEHAVIOUR_TYPES, ...range })) {
    funnel.add(event);
  }
  await funnel.loadProfiles();
  return funnel.result();
}
