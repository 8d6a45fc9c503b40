import { describe, expect, it } from 'vitest';
import { journeyDefinitionSchema, validateJourney } from '../../src/definition';
import { abandonedCart, copy, npsAfterPurchase, welcomeSeries } from './fixtures';

const issue = (path: string, code: string) => expect.objectContaining({ path, code });

describe('schema checks', () => {
  it('refuses a bad HH:MM with invalid_time', () => {
    const journey = copy(welcomeSeries);
    journey.nodes[5]!.at = '25:00';
    expect(validateJourney(journey)).toEqual([
      {
        path: 'nodes[5].at',
        code: 'invalid_time',
        message: 'Write the time as HH:MM, 00:00 to 23:59',
        node: 'morning',
      },
    ]);
    journey.nodes[5]!.at = '9:00';
    expect(validateJourney(journey)).toEqual([issue('nodes[5].at', 'invalid_time')]);
  });

  it('refuses an unknown operator in a branch condition, at its path', () => {
    const journey = copy(welcomeSeries);
    journey.nodes[2]!.branches = [
      { when: { condition: { 'traits.plan': { $eqq: 'pro' } } }, next: 'tips-pro' },
    ];
    expect(validateJourney(journey)).toEqual([
      {
        path: 'nodes[2].branches[0].when.condition.traits.plan.$eqq',
        code: 'unknown_operator',
        message: 'Unknown operator $eqq',
        node: 'by-plan',
      },
    ]);
  });

  it('refuses unknown operators in the entry, waits and goals too', () => {
    const journey = copy(abandonedCart);
    journey.entry = { ...(journey.entry as object), where: { total: { $gtee: 0 } } };
    (journey.nodes[1]!.until as Record<string, unknown>).where = { $or: [{ total: { $bigger: 1 } }] };
    const issues = validateJourney(journey);
    expect(issues).toContainEqual(issue('entry.where.total.$gtee', 'unknown_operator'));
    expect(issues).toContainEqual(issue('nodes[1].until.where.$or[0].total.$bigger', 'unknown_operator'));
  });

  it('refuses a branch test that is not exactly one test', () => {
    const journey = copy(welcomeSeries);
    journey.nodes[2]!.branches = [{ when: { inSegment: 'vip', notInSegment: 'churned' }, next: 'tips-pro' }];
    expect(validateJourney(journey)).toEqual([issue('nodes[2].branches[0].when', 'invalid_branch_test')]);
  });

  it('refuses waits of no time, negative durations and ten-year timers', () => {
    const journey = copy(abandonedCart);
    journey.nodes[3]!.for = { days: 0, hours: 0 };
    journey.nodes[1]!.timeout = { hours: -1 };
    journey.reentry = { mode: 'after-exit', cooldown: { days: 4000 } };
    const issues = validateJourney(journey);
    expect(issues).toContainEqual(issue('nodes[3].for', 'empty_duration'));
    expect(issues).toContainEqual(issue('nodes[1].timeout.hours', 'too_small'));
    expect(issues).toContainEqual(issue('reentry.cooldown', 'duration_too_long'));
  });

  it('accepts a zero cooldown and offset, which need no time', () => {
    const journey = copy(welcomeSeries);
    journey.reentry = { mode: 'always', cooldown: { days: 0 } };
    journey.nodes[5] = {
      type: 'wait-until-trait',
      id: 'morning',
      trait: 'trialEnds',
      offset: {},
      next: 'in-app',
    };
    expect(validateJourney(journey)).toEqual([]);
  });

  it('refuses weekdays outside 0–6 and repeated ones', () => {
    const journey = copy(welcomeSeries);
    journey.nodes[5]!.weekdays = [1, 7, 1];
    const issues = validateJourney(journey);
    expect(issues).toContainEqual(issue('nodes[5].weekdays[1]', 'too_big'));
    expect(issues).toContainEqual(issue('nodes[5].weekdays[2]', 'duplicate_weekday'));
  });

  it('refuses a time zone Intl does not know', () => {
    const journey = copy(abandonedCart);
    journey.timezone = 'GMT+7 Hanoi';
    expect(validateJourney(journey)).toEqual([issue('timezone', 'invalid_time_zone')]);
  });

  it('checks a schedule entry: HH:MM, segment id, weekdays', () => {
    const journey = copy(welcomeSeries);
    journey.entry = {
      type: 'schedule',
      every: 'week',
      at: '24:00',
      weekdays: [],
      segment: 'Newsletter Readers',
    };
    const issues = validateJourney(journey);
    expect(issues).toContainEqual(issue('entry.at', 'invalid_time'));
    expect(issues).toContainEqual(issue('entry.weekdays', 'too_small'));
    expect(issues).toContainEqual(issue('entry.segment', 'invalid_format'));
    journey.entry = { type: 'schedule', every: 'week', at: '08:30', weekdays: [1], segment: 'newsletter' };
    expect(validateJourney(journey)).toEqual([]);
  });

  it('refuses ids outside the pattern', () => {
    const journey = copy(abandonedCart);
    journey.id = 'Abandoned Cart';
    journey.nodes[5]!.id = `x${'y'.repeat(64)}`;
    const issues = validateJourney(journey);
    expect(issues).toContainEqual(issue('id', 'invalid_format'));
    expect(issues).toContainEqual(issue('nodes[5].id', 'invalid_format'));
  });

  it('refuses split weights that are not positive and an experiment without variations', () => {
    const journey = copy(npsAfterPurchase);
    journey.nodes[1]!.paths = [
      { weight: 0, next: 'channel-test' },
      { weight: -5, next: 'done' },
    ];
    journey.nodes[2]!.variations = {};
    const issues = validateJourney(journey);
    expect(issues).toContainEqual(issue('nodes[1].paths[0].weight', 'too_small'));
    expect(issues).toContainEqual(issue('nodes[1].paths[1].weight', 'too_small'));
    expect(issues).toContainEqual(issue('nodes[2].variations', 'empty_variations'));
  });

  it('refuses an empty or repeated channel chain', () => {
    const journey = copy(abandonedCart);
    journey.nodes[4]!.channels = ['zns', 'sms', 'zns'];
    journey.nodes[0]!.channels = [];
    const issues = validateJourney(journey);
    expect(issues).toContainEqual(issue('nodes[4].channels[2]', 'duplicate_channel'));
    expect(issues).toContainEqual(issue('nodes[0].channels', 'too_small'));
  });

  it('refuses unknown keys, unknown node types and unknown channels', () => {
    const journey = copy(abandonedCart);
    journey.nodes[1]!.onTimout = 'email';
    journey.nodes[3]!.type = 'sleep';
    (journey.nodes[4]!.templates as Record<string, unknown>).fax = 'cart-fax';
    const issues = validateJourney(journey);
    expect(issues).toContainEqual(issue('nodes[1]', 'unrecognized_keys'));
    expect(issues).toContainEqual(issue('nodes[3].type', 'invalid_union'));
    expect(issues).toContainEqual(issue('nodes[4].templates', 'unrecognized_keys'));
    // The node of unknown type still leads on, so the typo is reported once, not as a broken graph.
    expect(issues).toHaveLength(3);
  });

  it('validates inline templates with the channels schema, at their path', () => {
    const journey = copy(abandonedCart);
    const push = journey.nodes[0]!.templates as Record<string, Record<string, unknown>>;
    push['web-push']!.variants = { vi: { title: '{% if %}' } };
    expect(validateJourney(journey)).toContainEqual(
      issue('nodes[0].templates.web-push.variants.vi.title', 'liquid_syntax'),
    );
  });

  it('refuses a cooldown when people enter once', () => {
    const journey = copy(welcomeSeries);
    journey.reentry = { mode: 'once', cooldown: { days: 1 } };
    expect(validateJourney(journey)).toEqual([issue('reentry.cooldown', 'unused_cooldown')]);
  });

  it('is the zod schema for the shape alone', () => {
    expect(journeyDefinitionSchema.safeParse(abandonedCart).success).toBe(true);
    const journey = copy(abandonedCart);
    journey.nodes[1]!.onTimeout = 'emial';
    // A dangling target is a graph problem: the schema alone accepts it.
    expect(journeyDefinitionSchema.safeParse(journey).success).toBe(true);
  });

  it('never throws, whatever it is given', () => {
    for (const input of [null, 42, 'journey', [], {}, { nodes: 'no' }, { nodes: [null, 1, { id: 3 }] }]) {
      expect(validateJourney(input).length).toBeGreaterThan(0);
    }
  });
});

describe('message result branches', () => {
  it('warns that on.sent leaves on.opened and on.clicked unreachable', () => {
    const journey = copy(abandonedCart);
    journey.nodes[0]!.on = { sent: 'wait-order', clicked: { within: { days: 1 }, next: 'wait-order' } };
    expect(validateJourney(journey)).toEqual([issue('nodes[0].on.sent', 'unreachable_result')]);
    journey.nodes[0]!.on = { failed: 'done', clicked: { within: { days: 1 }, next: 'wait-order' } };
    expect(validateJourney(journey)).toEqual([]);
  });
});
