/**
 * `@cx/core/conditions`: the condition language shared by experiment targeting, segments,
 * journey branches and channel rules.
 *
 * @packageDocumentation
 */
export {};
