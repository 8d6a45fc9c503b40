/**
 * Identifier values that never identify a person. Sources send them when a variable was unset
 * or stringified badly; merging on them would glue thousands of strangers into one profile.
 * The list follows Segment's and PostHog's blocked ids; matching ignores case and surrounding
 * spaces.
 */
export const DEFAULT_BLOCKED_VALUES: readonly string[] = [
  'null',
  'undefined',
  'anonymous',
  'anon',
  'guest',
  'none',
  'nil',
  'unknown',
  'test',
  'nan',
  '0',
  '-1',
  '1',
  'true',
  'false',
  '[object object]',
  'id',
  'not_authenticated',
  'distinct_id',
  'distinctid',
  'email',
  'user',
  'user_id',
  'userid',
  'n/a',
  'na',
  '{}',
  '[]',
  '""',
  "''",
  '00000000-0000-0000-0000-000000000000',
];
