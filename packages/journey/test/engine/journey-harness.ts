import type { JourneyDefinition } from '../../src/definition/journey-types';
import {
  type InstanceState,
  type StepEffect,
  type StepInput,
  type StepOptions,
  type StepResult,
  startInstance,
  stepInstance,
} from '../../src/engine';

/*
 * A test harness, not a runtime: one instance, a manual clock, one timer slot, and lists of what
 * the effects asked for. It applies effects the way a runtime would (the timer effect sets the
 * one timer, cancel-timer clears it, trait updates change the traits the next step sees), so
 * recipes can be run end to end by moving the clock.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Epoch ms of an ISO time. */
export const at = (iso: string): number => Date.parse(iso);

export type SendEffect = Extract<StepEffect, { type: 'send' }>;

export interface HarnessOptions {
  now: number;
  profileId?: string;
  instanceId?: string;
  version?: number;
  entry?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  segments?: string[];
  timezone?: string;
  /** Variation per experiment; missing means holdout (`null`). */
  variations?: Record<string, string | null>;
  stepOptions?: StepOptions;
}

export class JourneyHarness {
  now: number;
  state: InstanceState;
  timer: { at: number; node: string } | null = null;
  traits: Record<string, unknown>;
  readonly segments: Set<string>;
  timezone: string;
  readonly sent: (SendEffect & { at: number })[] = [];
  readonly journeyEvents: { name: string; properties: Record<string, unknown>; at: number }[] = [];
  readonly webhooks: Extract<StepEffect, { type: 'webhook' }>[] = [];
  /** Every step's effects, in order. */
  readonly log: StepEffect[] = [];
  private readonly variations: Record<string, string | null>;

  constructor(
    readonly definition: JourneyDefinition,
    private readonly options: HarnessOptions,
  ) {
    this.now = options.now;
    this.traits = { ...options.traits };
    this.segments = new Set(options.segments);
    this.timezone = options.timezone ?? 'UTC';
    this.variations = options.variations ?? {};
    this.state = startInstance(definition, {
      id: options.instanceId ?? `${definition.id}/1/${options.profileId ?? 'p1'}/1`,
      version: options.version ?? 1,
      profileId: options.profileId ?? 'p1',
      entry: options.entry ?? {},
      now: options.now,
    });
  }

  enter(): StepResult {
    return this.step({ type: 'enter' });
  }

  event(name: string, properties: Record<string, unknown> = {}): StepResult {
    return this.step({ type: 'event', name, properties });
  }

  segment(segment: string, entered: boolean): StepResult {
    if (entered) this.segments.add(segment);
    else this.segments.delete(segment);
    return this.step({ type: 'segment', segment, entered });
  }

  /** A result for the last message the node sent. */
  messageResult(node: string, outcome: 'sent' | 'failed' | 'opened' | 'clicked'): StepResult {
    const send = [...this.sent].reverse().find((effect) => effect.node === node);
    if (send === undefined) throw new Error(`node ${node} sent nothing`);
    return this.step({ type: 'message', messageId: send.key, outcome });
  }

  /** Moves the clock to `instant`, firing the timer (and any it sets) whenever it comes due. */
  advanceTo(instant: number): void {
    while (this.timer !== null && this.timer.at <= instant) {
      const due = this.timer;
      this.now = Math.max(this.now, due.at);
      this.timer = null;
      this.step({ type: 'timer', node: due.node, at: due.at });
    }
    this.now = Math.max(this.now, instant);
  }

  advance(ms: number): void {
    this.advanceTo(this.now + ms);
  }

  step(input: StepInput): StepResult {
    const result = stepInstance(
      this.definition,
      this.state,
      input,
      this.now,
      {
        traits: this.traits,
        segments: this.segments,
        timezone: this.timezone,
        assignVariation: (experiment) => this.variations[experiment] ?? null,
      },
      this.options.stepOptions,
    );
    this.state = result.state;
    for (const effect of result.effects) this.apply(effect);
    return result;
  }

  /** The names of the journey events so far, `Journey Step` as `Step <node>`. */
  eventNames(): string[] {
    return this.journeyEvents.map((event) =>
      event.name === 'Journey Step' ? `Step ${event.properties.node as string}` : event.name,
    );
  }

  private apply(effect: StepEffect): void {
    this.log.push(effect);
    switch (effect.type) {
      case 'timer':
        this.timer = { at: effect.at, node: effect.node };
        return;
      case 'cancel-timer':
        this.timer = null;
        return;
      case 'send':
        this.sent.push({ ...effect, at: this.now });
        return;
      case 'update-traits':
        this.traits = { ...this.traits, ...effect.set };
        return;
      case 'webhook':
        this.webhooks.push(effect);
        return;
      case 'journey-event':
        this.journeyEvents.push({ name: effect.name, properties: effect.properties, at: this.now });
        return;
    }
  }
}

/** Freezes a value and everything in it, so a test fails loudly on any write. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
