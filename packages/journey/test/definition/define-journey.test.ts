import { isCxError, ValidationError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import {
  defineJourney,
  durationMs,
  exit,
  type JourneyIssue,
  message,
  onEvent,
  parseJourney,
  performed,
  wait,
  waitFor,
} from '../../src/definition';
import { abandonedCart, copy } from './fixtures';

function thrown(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('defineJourney', () => {
  it('returns the JSON form the helpers describe', () => {
    const journey = defineJourney({
      id: 'tiny',
      entry: onEvent('Signed Up'),
      start: 'hello',
      nodes: [
        message('hello', { channels: ['email'], templates: { email: 'welcome-email' } }, 'pause'),
        wait('pause', { hours: 12 }, 'done'),
        exit('done'),
      ],
    });
    expect(journey).toEqual({
      id: 'tiny',
      entry: { type: 'event', event: 'Signed Up' },
      start: 'hello',
      nodes: [
        {
          type: 'message',
          id: 'hello',
          channels: ['email'],
          templates: { email: 'welcome-email' },
          next: 'pause',
        },
        { type: 'wait', id: 'pause', for: { hours: 12 }, next: 'done' },
        { type: 'exit', id: 'done' },
      ],
    });
  });

  it('reports every problem at once, schema and graph, with paths', () => {
    const journey = copy(abandonedCart);
    journey.entry = { type: 'event', event: 'Cart Updated' }; // no correlation, no productName
    journey.nodes[1]!.onTimeout = 'emial'; // unknown target (and the email chain becomes unreachable)
    journey.nodes[3]!.for = { days: 0 }; // a wait of nothing
    journey.nodes[4]!.channels = ['zns', 'sms', 'email']; // no email template
    journey.nodes.push({ type: 'wait-until-time', id: 'later', at: '7:30', next: 'done' }); // bad time, unreachable
    journey.nodes.push({ type: 'exit', id: 'done' }); // duplicate id
    journey.timezone = 'Asia/Saigon City';
    const error = thrown(() => parseJourney(journey));
    const found = (error.issues as JourneyIssue[]).map((issue) => `${issue.path} ${issue.code}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'nodes[3].for empty_duration',
        'nodes[6].at invalid_time',
        'timezone invalid_time_zone',
        'nodes[7].id duplicate_id',
        'nodes[1].onTimeout unknown_node',
        'nodes[2] unreachable_node',
        'nodes[6] unreachable_node',
        'nodes[1].until.correlate.cartId unknown_correlation_key',
        'goals[0].correlate.cartId unknown_correlation_key',
        'nodes[4].templates.email missing_template',
        'nodes[0].templates.web-push entry_property_missing',
      ]),
    );
    expect(error.message).toMatch(/^Invalid journey abandoned-cart: nodes\[3\]\.for: /);
    expect(error.message).toMatch(/\(and \d+ more\)$/);
  });

  it('throws on a definition built with bad values at run time', () => {
    const error = thrown(() =>
      defineJourney({
        id: 'bad',
        entry: onEvent('Cart Updated'),
        start: 'w',
        nodes: [
          waitFor(
            'w',
            {
              until: performed('Order Completed', { correlate: { cartId: 'cartId' } }),
              timeout: { days: 1 },
              onTimeout: 'done',
            },
            'done',
          ),
          exit('done'),
        ],
      }),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'nodes[0].until.correlate.cartId', code: 'unknown_correlation_key' }),
    ]);
  });

  it('checks start and targets at compile time', () => {
    const build = () =>
      defineJourney({
        id: 'typed',
        entry: onEvent('Signed Up'),
        // @ts-expect-error: 'helo' is not a node id
        start: 'helo',
        nodes: [wait('hello', { days: 1 }, 'done'), exit('done')],
      });
    expect(build).toThrow(ValidationError);

    const dangling = () =>
      // @ts-expect-error: 'dnoe' names no node (the error shows it as unknownTargets)
      defineJourney({
        id: 'typed',
        entry: onEvent('Signed Up'),
        start: 'hello',
        nodes: [wait('hello', { days: 1 }, 'dnoe'), exit('done')],
      });
    expect(dangling).toThrow(ValidationError);
  });

  it('accepts nodes written as object literals, with the same compile-time checks', () => {
    const journey = defineJourney({
      id: 'literal',
      entry: { type: 'event', event: 'Signed Up' },
      start: 'hello',
      nodes: [
        {
          type: 'message',
          id: 'hello',
          channels: ['email', 'sms'],
          templates: { email: 'a', sms: 'b' },
          next: 'split',
        },
        {
          type: 'random-split',
          id: 'split',
          paths: [
            { weight: 1, next: 'vip' },
            { weight: 1, next: 'done' },
          ],
        },
        {
          type: 'branch',
          id: 'vip',
          branches: [{ when: { inSegment: 'vip' }, next: 'done' }],
          otherwise: 'done',
        },
        { type: 'exit', id: 'done' },
      ],
    });
    expect(journey.nodes).toHaveLength(4);
    expect(() =>
      // @ts-expect-error: 'nowhere' names no node
      defineJourney({
        id: 'literal',
        entry: { type: 'event', event: 'Signed Up' },
        start: 'vip',
        nodes: [
          {
            type: 'branch',
            id: 'vip',
            branches: [{ when: { inSegment: 'vip' }, next: 'nowhere' }],
            otherwise: 'done',
          },
          { type: 'exit', id: 'done' },
        ],
      }),
    ).toThrow(ValidationError);
  });

  it('accepts a definition typed as plain JSON', () => {
    const json = JSON.parse(JSON.stringify(abandonedCart));
    expect(defineJourney(json as typeof abandonedCart)).toEqual(abandonedCart);
  });
});

describe('durationMs', () => {
  it('adds up the parts', () => {
    expect(durationMs({ days: 1, hours: 2, minutes: 3, seconds: 4 })).toBe(93_784_000);
    expect(durationMs({ hours: 1.5 })).toBe(5_400_000);
    expect(durationMs({})).toBe(0);
  });
});
