/**
 * `@cx/core`: the contracts every cx package shares: Segment Spec event schemas, the error
 * hierarchy, ids, the clock, the event bus, the storage ports and the in-memory adapter.
 *
 * @packageDocumentation
 */
export { type BusHandler, type CxBusEvents, type EventBus } from './bus/event-bus';
export { createLocalBus, type LocalBusOptions } from './bus/local-bus';
export { type Clock, ManualClock, systemClock } from './clock/clock';
export * from './errors';
export * from './events';
export { createIdGenerator, type IdGenerator, newId } from './ids/ulid';
export { memoryStorage, type MemoryStorageOptions } from './memory/memory-storage';
export * from './ports';
export { assertWorkspaceId, workspaceIdSchema } from './workspaces/workspace-id';
