import { z } from 'zod';

/*
 * The names a journey definition uses, each with the pattern of the package that owns it, so a
 * reference that would never resolve (a segment id with capitals, a template id with spaces) is
 * refused where it is written rather than at run time.
 */

/**
 * Journey, node, goal and exit-criterion ids: lower case letters, digits, `.`, `_` and `-`, up to 64.
 *
 * @example
 * ```ts
 * JOURNEY_ID_PATTERN.test('wait-1d'); // true
 * ```
 */
export const JOURNEY_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Segment ids, as `@cx/segments` writes them. */
const SEGMENT_ID_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,127}$/;

/** Template ids, as `@cx/channels` writes them. */
const TEMPLATE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * zod schema of a journey, node, goal or exit-criterion id (`abandoned-cart`, `wait-1d`).
 *
 * @example
 * ```ts
 * journeyIdSchema.safeParse('abandoned-cart').success; // true
 * journeyIdSchema.safeParse('Abandoned Cart').success; // false
 * ```
 */
export const journeyIdSchema = z
  .string()
  .regex(JOURNEY_ID_PATTERN, 'Ids are lower case letters, digits, ., _ and - (at most 64)');

/**
 * A segment id, as `@cx/segments` accepts it.
 *
 * @example
 * ```ts
 * segmentIdSchema.parse('churn-risk');
 * ```
 */
export const segmentIdSchema = z
  .string()
  .regex(SEGMENT_ID_PATTERN, 'Segment ids are lower case letters, digits, ., _ and - (at most 128)');

/**
 * A template id, as `@cx/channels` accepts it.
 *
 * @example
 * ```ts
 * templateIdSchema.parse('cart-email');
 * ```
 */
export const templateIdSchema = z
  .string()
  .regex(TEMPLATE_ID_PATTERN, 'Template ids are letters, digits, ., _ and - (at most 128)');

/**
 * An event name.
 *
 * @example
 * ```ts
 * eventNameSchema.parse('Order Completed');
 * ```
 */
export const eventNameSchema = z.string().min(1, 'An event name is required').max(200);

/**
 * A trait, property or correlation key name.
 *
 * @example
 * ```ts
 * keyNameSchema.parse('cartId');
 * ```
 */
export const keyNameSchema = z.string().min(1, 'A name is required').max(200);

/**
 * An `@cx/abtest` experiment key or variation key.
 *
 * @example
 * ```ts
 * experimentKeySchema.parse('cart-subject-2026');
 * ```
 */
export const experimentKeySchema = z.string().min(1, 'A key is required').max(128);
