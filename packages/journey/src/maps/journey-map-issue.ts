import type { ValidationIssue } from '@cx/core';

/**
 * What is wrong with a journey map:
 * - errors: `unknown_stage_kind`, `unknown_channel`, `duplicate_id` (a stage or touchpoint id used
 *   twice; touchpoint ids are unique across the map), `empty_stage` (no touchpoints),
 *   `too_few_stages` (drop-off needs two), `unknown_journey` / `unknown_node` (a `journeyNodes`
 *   reference, when journeys are given), `unknown_scale`, the condition codes (`unknown_operator`,
 *   ...) and zod's own codes for the shape;
 * - warnings: `stage_order` (a stage kind earlier than the one before it).
 */
export type JourneyMapIssueCode =
  | 'unknown_stage_kind'
  | 'unknown_channel'
  | 'duplicate_id'
  | 'empty_stage'
  | 'too_few_stages'
  | 'unknown_journey'
  | 'unknown_node'
  | 'unknown_scale'
  | 'stage_order'
  | (string & {});

/**
 * One problem of a journey map, at its path in the JSON form (`stages[2].touchpoints[0].id`).
 * Warnings do not stop `defineJourneyMap`; errors do.
 *
 * @example
 * ```ts
 * const issue: JourneyMapIssue = {
 *   path: 'stages[1].kind', code: 'stage_order', severity: 'warning',
 *   message: 'awareness comes before consideration in the canonical order',
 * };
 * ```
 */
export interface JourneyMapIssue extends ValidationIssue {
  code: JourneyMapIssueCode;
  severity: 'error' | 'warning';
}
