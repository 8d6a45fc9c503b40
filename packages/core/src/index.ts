/**
 * `@cx/core`: the contracts every cx package shares: Segment Spec event schemas, the error
 * hierarchy, ids, the clock, the event bus, the storage ports and the in-memory adapter.
 *
 * @packageDocumentation
 */
export type { BusHandler, CxBusEvents, EventBus } from './bus/event-bus';
export { createLocalBus, type LocalBusOptions } from './bus/local-bus';
export { type Clock, ManualClock, systemClock } from './clock/clock';
export { isoTime } from './clock/iso-time';
export * from './errors';
export * from './events';
export { createIdGenerator, type IdGenerator, newId } from './ids/ulid';
export { memoryDocumentStore } from './memory/memory-document-store';
export { type MemoryStorageOptions, memoryStorage } from './memory/memory-storage';
export * from './ports';
export { normalDraw, type SeededRandom, seededRandom } from './random/seeded-random';
export * from './work';
export { assertWorkspaceId, workspaceIdSchema } from './workspaces/workspace-id';
