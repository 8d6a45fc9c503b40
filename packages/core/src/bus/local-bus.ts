import { EventEmitter } from 'eventemitter3';
import type { BusHandler, CxBusEvents, EventBus } from './event-bus';

/** Options for {@link createLocalBus}. */
export interface LocalBusOptions {
  /** Called when a handler throws or rejects; defaults to rethrowing from `publish`. */
  onHandlerError?: (error: unknown, topic: string) => void;
}

/**
 * An in-process {@link EventBus} on eventemitter3. `publish` resolves once every handler has
 * finished, so a test can await the side effects of an event.
 *
 * @example
 * ```ts
 * const bus = createLocalBus();
 * const stop = bus.subscribe('events.appended', ({ messageIds }) => console.log(messageIds.length));
 * await bus.publish('events.appended', { workspaceId: 'acme', messageIds: ['m1'] });
 * stop();
 * ```
 */
export function createLocalBus<Events extends object = CxBusEvents>(
  options: LocalBusOptions = {},
): EventBus<Events> {
  const emitter = new EventEmitter();
  let closed = false;

  return {
    async publish(topic, payload) {
      if (closed) return;
      const handlers = emitter.listeners(topic) as BusHandler<unknown>[];
      const failures: unknown[] = [];
      for (const handler of handlers) {
        try {
          await handler(payload);
        } catch (error) {
          if (options.onHandlerError) options.onHandlerError(error, topic);
          else failures.push(error);
        }
      }
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1)
        throw new AggregateError(failures, `${failures.length} handlers of ${topic} failed`);
    },
    subscribe(topic, handler) {
      emitter.on(topic, handler);
      return () => {
        emitter.off(topic, handler);
      };
    },
    async close() {
      closed = true;
      emitter.removeAllListeners();
    },
  };
}
