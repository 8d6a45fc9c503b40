import type { JourneyDefinition, JourneyNode } from './journey-types';

/*
 * Compile-time checks of a journey written in code: when node ids are string literals (as the
 * node helpers and `as const`-free literals inside `defineJourney` keep them), `start` must be one
 * of them and a target naming no node is a type error that names it. Definitions typed as plain
 * `JourneyDefinition` (loaded JSON) have `string` ids and pass through; the runtime checks still
 * apply to both.
 */

/** The targets a node may lead to, as literal types when they are known. */
export type NodeTargets<T> = T extends { type: 'branch'; branches: readonly (infer B)[]; otherwise: infer O }
  ? (B extends { next: infer X } ? X : never) | O
  : T extends { type: 'random-split'; paths: readonly (infer P)[] }
    ? P extends { next: infer X }
      ? X
      : never
    : T extends { type: 'experiment-split'; variations: infer V; otherwise: infer O }
      ? V[keyof V] | O
      : T extends { type: 'wait-for'; next: infer X; onTimeout: infer O }
        ? X | O
        : T extends { type: 'message'; next: infer X }
          ? X | MessageResultTargets<T>
          : T extends { type: 'wait-until-trait'; next: infer X }
            ? X | (T extends { onMissing: infer M } ? M : never)
            : T extends { next: infer X }
              ? X
              : never;

/*
 * Only properties that are present in the type count: an optional `onMissing?: string` of a plain
 * node adds nothing to check (it is `string`), and inferring from an absent optional property
 * would give `unknown`, which no id matches.
 */
type MessageResultTargets<T> = T extends { on: infer On }
  ?
      | (On extends { sent: infer S } ? S : never)
      | (On extends { failed: infer F } ? F : never)
      | (On extends { opened: { next: infer X } } ? X : never)
      | (On extends { clicked: { next: infer X } } ? X : never)
  : never;

/** Targets of `Nodes` that are not the id of any of them; `never` when all resolve. */
export type UnknownTargets<Nodes extends readonly JourneyNode[]> = Exclude<
  NodeTargets<Nodes[number]>,
  Nodes[number]['id'] | undefined
>;

/**
 * The argument of {@link defineJourney}: a {@link JourneyDefinition} whose `start` is one of its
 * node ids and whose targets all name nodes, when the ids are known at compile time. A target
 * naming no node shows as a missing `unknownTargets` property whose type is the bad name.
 */
export type JourneyInput<Nodes extends readonly JourneyNode[]> = Omit<
  JourneyDefinition,
  'start' | 'nodes'
> & {
  start: Nodes[number]['id'];
  nodes: Nodes;
} & ([UnknownTargets<Nodes>] extends [never] ? unknown : { unknownTargets: UnknownTargets<Nodes> });
