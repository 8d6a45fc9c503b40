/**
 * The topics cx packages publish, and the payload of each. Packages add their own topics by
 * declaration merging:
 *
 * @example
 * ```ts
 * declare module '@cx/core' {
 *   interface CxBusEvents {
 *     'segment.entered': { workspaceId: string; segmentId: string; profileId: string };
 *   }
 * }
 * ```
 */
export interface CxBusEvents {
  /** Events accepted into the event store. */
  'events.appended': { workspaceId: string; messageIds: readonly string[] };
  /**
   * Work was committed to a queue. A wake-up only: runners of that queue look for due items
   * now instead of at their next poll. Publish it after the commit, never instead of it.
   */
  'work.scheduled': { workspaceId: string; queue: string; dueAt?: string };
}

/** A subscriber's callback. A returned promise is awaited by transports that deliver at-least-once. */
export type BusHandler<P> = (payload: P) => void | Promise<void>;

/**
 * The typed publish/subscribe contract. The in-process implementation is {@link createLocalBus};
 * a cross-process transport (NATS JetStream, Redis Streams) implements the same interface.
 */
export interface EventBus<Events extends object = CxBusEvents> {
  /** Delivers `payload` to every subscriber of `topic`. */
  publish<K extends keyof Events & string>(topic: K, payload: Events[K]): Promise<void>;
  /** Calls `handler` for each payload on `topic`; returns a function that unsubscribes. */
  subscribe<K extends keyof Events & string>(topic: K, handler: BusHandler<Events[K]>): () => void;
  /** Stops delivery and releases resources. */
  close(): Promise<void>;
}
