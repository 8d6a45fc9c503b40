/**
 * `@cx/journey`: durable multi-channel journeys: definitions (typed builder, JSON form, JSON Schema,
 * static validation that lists every problem), the engine's pure step function, the durable
 * runtime (`createJourneys`: admission, timers, exactly-once sends, versions, analytics),
 * simulation over a historical log with the production code, and journey maps measured against
 * real data.
 *
 * @packageDocumentation
 */
export * from './definition';
export * from './engine';
export * from './maps';
export * from './runtime';
export * from './simulation';
