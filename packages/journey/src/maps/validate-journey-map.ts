import { builtInScales } from '@cx/metrics';
import { issuesFromZod } from '../definition/journey-issue';
import type { JourneyDefinition } from '../definition/journey-types';
import type { JourneyMapIssue } from './journey-map-issue';
import { journeyMapSchema } from './journey-map-schema';
import { STAGE_KINDS } from './journey-map-types';

/** Options of {@link validateJourneyMap}. */
export interface ValidateJourneyMapOptions {
  /** Journeys that `journeyNodes` may reference; without them references are not checked. */
  journeys?: readonly Pick<JourneyDefinition, 'id' | 'nodes'>[];
}

// The semantic checks read the raw input, so they still run when the shape is wrong elsewhere:
// a bad stage kind and a duplicate id are reported by one call.
type Loose = Record<string, unknown>;
const asObject = (value: unknown): Loose | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : null;
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const error = (path: string, code: string, message: string): JourneyMapIssue => ({
  path,
  code,
  message,
  severity: 'error',
});

function shapeIssues(input: unknown): JourneyMapIssue[] {
  const result = journeyMapSchema.safeParse(input);
  if (result.success) return [];
  return issuesFromZod(result.error.issues).map((issue) => {
    // zod calls both "invalid_value"; the map's own names say which list the value is not in.
    let code: string = issue.code;
    if (/^stages\[\d+\]\.kind$/.test(issue.path)) code = 'unknown_stage_kind';
    else if (/\.channel$/.test(issue.path)) code = 'unknown_channel';
    return { ...issue, code, severity: 'error' as const };
  });
}

function idIssues(stages: unknown[]): JourneyMapIssue[] {
  const issues: JourneyMapIssue[] = [];
  const stageIds = new Map<string, string>();
  const touchpointIds = new Map<string, string>();
  const claim = (seen: Map<string, string>, id: unknown, path: string, what: string) => {
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, path);
    else issues.push(error(`${path}.id`, 'duplicate_id', `${what} id "${id}" is already used at ${first}`));
  };
  stages.forEach((stage, s) => {
    const object = asObject(stage);
    claim(stageIds, object?.id, `stages[${s}]`, 'Stage');
    for (const [t, touchpoint] of asArray(object?.touchpoints).entries())
      claim(touchpointIds, asObject(touchpoint)?.id, `stages[${s}].touchpoints[${t}]`, 'Touchpoint');
  });
  return issues;
}

function countIssues(map: Loose, stages: unknown[]): JourneyMapIssue[] {
  const issues: JourneyMapIssue[] = [];
  if (Array.isArray(map.stages) && stages.length < 2)
    issues.push(
      error('stages', 'too_few_stages', 'A journey map needs at least two stages to show drop-off'),
    );
  stages.forEach((stage, s) => {
    const touchpoints = asObject(stage)?.touchpoints;
    if (Array.isArray(touchpoints) && touchpoints.length === 0)
      issues.push(error(`stages[${s}].touchpoints`, 'empty_stage', 'A stage needs at least one touchpoint'));
  });
  return issues;
}

function orderIssues(stages: unknown[]): JourneyMapIssue[] {
  const issues: JourneyMapIssue[] = [];
  let previous: { kind: string; rank: number } | null = null;
  stages.forEach((stage, s) => {
    const kind = asObject(stage)?.kind;
    const rank = STAGE_KINDS.indexOf(kind as (typeof STAGE_KINDS)[number]);
    if (rank < 0) return;
    if (previous !== null && rank < previous.rank)
      issues.push({
        path: `stages[${s}].kind`,
        code: 'stage_order',
        severity: 'warning',
        message: `${String(kind)} comes before ${previous.kind} in the canonical order (${STAGE_KINDS.join(', ')})`,
      });
    previous = { kind: kind as string, rank };
  });
  return issues;
}

function scaleIssues(stages: unknown[]): JourneyMapIssue[] {
  const issues: JourneyMapIssue[] = [];
  stages.forEach((stage, s) => {
    const scale = asObject(asObject(asObject(stage)?.emotion)?.survey)?.scale;
    if (typeof scale === 'string' && builtInScales[scale] === undefined)
      issues.push(
        error(
          `stages[${s}].emotion.survey.scale`,
          'unknown_scale',
          `Unknown scale "${scale}"; known: ${Object.keys(builtInScales).join(', ')}`,
        ),
      );
  });
  return issues;
}

function referenceIssues(
  stages: unknown[],
  journeys: ValidateJourneyMapOptions['journeys'],
): JourneyMapIssue[] {
  if (journeys === undefined) return [];
  const nodes = new Map(
    journeys.map((journey) => [journey.id, new Set(journey.nodes.map((node) => node.id))]),
  );
  const issues: JourneyMapIssue[] = [];
  for (const [s, stage] of stages.entries())
    for (const [t, touchpoint] of asArray(asObject(stage)?.touchpoints).entries())
      for (const [r, ref] of asArray(asObject(touchpoint)?.journeyNodes).entries()) {
        const { journeyId, node } = asObject(ref) ?? {};
        if (typeof journeyId !== 'string' || typeof node !== 'string') continue;
        const path = `stages[${s}].touchpoints[${t}].journeyNodes[${r}]`;
        const known = nodes.get(journeyId);
        if (known === undefined)
          issues.push(error(`${path}.journeyId`, 'unknown_journey', `No journey "${journeyId}"`));
        else if (!known.has(node))
          issues.push(error(`${path}.node`, 'unknown_node', `Journey "${journeyId}" has no node "${node}"`));
      }
  return issues;
}

/**
 * Every problem of a journey map at once, errors and warnings: the shape (strict, with the
 * condition language's checks), duplicate stage and touchpoint ids, stages without touchpoints,
 * fewer than two stages, unknown survey scales, stage kinds out of the canonical order (a
 * warning), and, given `journeys`, `journeyNodes` that reference nothing. An empty list means valid.
 *
 * @example
 * ```ts
 * const issues = validateJourneyMap(json);
 * const errors = issues.filter((issue) => issue.severity === 'error');
 * ```
 */
export function validateJourneyMap(
  input: unknown,
  options: ValidateJourneyMapOptions = {},
): JourneyMapIssue[] {
  const map = asObject(input);
  const shape = shapeIssues(input);
  if (map === null) return shape;
  const stages = asArray(map.stages);
  return [
    ...shape,
    ...countIssues(map, stages),
    ...idIssues(stages),
    ...scaleIssues(stages),
    ...referenceIssues(stages, options.journeys),
    ...orderIssues(stages),
  ];
}
