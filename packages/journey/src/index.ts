/**
 * `@cx/journey`: durable multi-channel journeys. This release has the definitions (typed builder,
 * JSON form, JSON Schema, static validation that lists every problem) and the engine's pure step
 * function, and journey maps measured against real data; the durable runtime, versions,
 * analytics and simulation build on them.
 *
 * @packageDocumentation
 */
export * from './definition';
export * from './engine';
export * from './maps';
