import { describe, expect, it } from 'vitest';
import { type JourneyIssue, validateJourney } from '../../src/definition';
import { abandonedCart, copy, welcomeSeries } from './fixtures';

const issue = (path: string, code: string) => expect.objectContaining({ path, code });
const codes = (issues: JourneyIssue[]) => issues.map((found) => found.code);

describe('graph checks', () => {
  it('reports a target that names no node, at its path', () => {
    const journey = copy(abandonedCart);
    journey.nodes[1]!.onTimeout = 'emial';
    const issues = validateJourney(journey);
    expect(issues).toContainEqual({
      path: 'nodes[1].onTimeout',
      code: 'unknown_node',
      message: 'wait-order leads to emial, which is not a node of the journey',
      node: 'wait-order',
    });
    // The email no longer has a way in: that is a problem of its own.
    expect(issues).toContainEqual(issue('nodes[2]', 'unreachable_node'));
  });

  it('reports an unknown start, and nothing about reachability it cannot judge', () => {
    const journey = copy(abandonedCart);
    journey.start = 'nope';
    const issues = validateJourney(journey);
    expect(issues).toEqual([issue('start', 'unknown_node')]);
  });

  it('reports a node that cannot be reached from start', () => {
    const journey = copy(abandonedCart);
    journey.nodes.push({ type: 'wait', id: 'orphan', for: { hours: 1 }, next: 'done' });
    expect(validateJourney(journey)).toEqual([
      {
        path: 'nodes[6]',
        code: 'unreachable_node',
        message: 'orphan cannot be reached from start (push)',
        node: 'orphan',
      },
    ]);
  });

  it('names a loop that never waits', () => {
    const journey = copy(welcomeSeries);
    // mark → by-plan → tips-free → morning (waits) is fine; mark → check → mark is not.
    journey.nodes[7] = { type: 'update-trait', id: 'mark', set: { onboarded: true }, next: 'check' };
    journey.nodes.push({
      type: 'branch',
      id: 'check',
      branches: [{ when: { condition: { 'traits.onboarded': true } }, next: 'done' }],
      otherwise: 'mark',
    });
    const issues = validateJourney(journey);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'nodes[9].otherwise', code: 'zero_wait_cycle', node: 'mark' });
    expect(issues[0]!.message).toContain('mark → check → mark');
  });

  it('names a node that loops to itself at once', () => {
    const journey = copy(welcomeSeries);
    journey.nodes[7] = { type: 'update-trait', id: 'mark', set: { onboarded: true }, next: 'mark' };
    const issues = validateJourney(journey);
    expect(issues).toContainEqual(issue('nodes[7].next', 'zero_wait_cycle'));
    expect(issues.find((found) => found.code === 'zero_wait_cycle')!.message).toMatch(/^mark → mark /);
  });

  it('accepts a loop that waits', () => {
    const journey = copy(welcomeSeries);
    // A weekly reminder until the trait is set: the wait makes the loop take time.
    journey.nodes[7] = { type: 'update-trait', id: 'mark', set: { onboarded: true }, next: 'check' };
    journey.nodes.push(
      {
        type: 'branch',
        id: 'check',
        branches: [{ when: { condition: { 'traits.onboarded': true } }, next: 'done' }],
        otherwise: 'weekly',
      },
      { type: 'wait', id: 'weekly', for: { days: 7 }, next: 'mark' },
    );
    expect(validateJourney(journey)).toEqual([]);
  });

  it('counts a message waiting for its result as a wait, and one without as none', () => {
    const journey = copy(welcomeSeries);
    journey.nodes[6] = {
      type: 'message',
      id: 'in-app',
      channels: ['in-app'],
      templates: { 'in-app': 'welcome-in-app' },
      next: 'mark',
      on: { clicked: { within: { days: 3 }, next: 'mark' } },
    };
    journey.nodes[7] = { type: 'update-trait', id: 'mark', set: { onboarded: true }, next: 'in-app' };
    const waiting = validateJourney(journey);
    expect(codes(waiting)).not.toContain('zero_wait_cycle');

    delete (journey.nodes[6] as { on?: unknown }).on;
    expect(codes(validateJourney(journey))).toContain('zero_wait_cycle');
  });

  it('does not count a missing trait as a wait', () => {
    const journey = copy(welcomeSeries);
    journey.nodes[7] = {
      type: 'wait-until-trait',
      id: 'mark',
      trait: 'renewalDate',
      next: 'done',
      onMissing: 'fix',
    };
    journey.nodes.push({ type: 'update-trait', id: 'fix', set: { renewalDate: null }, next: 'mark' });
    expect(validateJourney(journey)).toContainEqual(issue('nodes[9].next', 'zero_wait_cycle'));
  });

  it('reports a journey without an exit node', () => {
    const journey = copy(welcomeSeries);
    journey.nodes[7] = { type: 'update-trait', id: 'mark', set: { onboarded: true }, next: 'again' };
    journey.nodes[8] = { type: 'wait', id: 'again', for: { days: 30 }, next: 'welcome' };
    expect(validateJourney(journey)).toEqual([
      { path: 'nodes', code: 'no_exit', message: 'The journey has no exit node' },
    ]);
  });

  it('reports an exit that start cannot reach', () => {
    const journey = copy(welcomeSeries);
    journey.nodes[7] = { type: 'update-trait', id: 'mark', set: { onboarded: true }, next: 'again' };
    journey.nodes.push({ type: 'wait', id: 'again', for: { days: 30 }, next: 'welcome' });
    const issues = validateJourney(journey);
    expect(issues).toContainEqual(issue('start', 'no_exit'));
    expect(issues).toContainEqual(issue('nodes[8]', 'unreachable_node'));
  });

  it('reports a node from which no exit can be reached', () => {
    const journey = copy(welcomeSeries);
    // Free users loop on reminders forever; pro users end.
    journey.nodes[4] = {
      type: 'message',
      id: 'tips-free',
      channels: ['email'],
      templates: { email: 'tips-free-email' },
      next: 'remind',
    };
    journey.nodes.push({ type: 'wait', id: 'remind', for: { days: 7 }, next: 'tips-free' });
    const issues = validateJourney(journey);
    expect(issues).toEqual([issue('nodes[4]', 'no_exit_path'), issue('nodes[9]', 'no_exit_path')]);
  });

  it('reports duplicate node ids, and goal ids shared with exit criteria', () => {
    const journey = copy(abandonedCart);
    journey.nodes[3]!.id = 'email';
    (journey.exitWhen as { id: string }[])[0]!.id = 'ordered';
    const issues = validateJourney(journey);
    expect(issues).toContainEqual({
      path: 'nodes[3].id',
      code: 'duplicate_id',
      message: 'node id email is already used by nodes[2]',
      node: 'email',
    });
    expect(issues).toContainEqual(issue('exitWhen[0].id', 'duplicate_id'));
  });

  it('checks every target of every node type', () => {
    const journey = copy(welcomeSeries);
    journey.nodes.push(
      { type: 'random-split', id: 'rs', paths: [{ weight: 1, next: 'x1' }] },
      { type: 'experiment-split', id: 'xs', experiment: 'e', variations: { a: 'x2' }, otherwise: 'x3' },
      { type: 'branch', id: 'br', branches: [{ when: { inSegment: 'vip' }, next: 'x4' }], otherwise: 'x5' },
      {
        type: 'message',
        id: 'ms',
        channels: ['sms'],
        templates: { sms: 'cart-sms' },
        next: 'x6',
        on: {
          sent: 'x7',
          failed: 'x8',
          opened: { within: { days: 1 }, next: 'x9' },
          clicked: { within: { days: 1 }, next: 'x10' },
        },
      },
      { type: 'wait-until-trait', id: 'wt', trait: 't', next: 'x11', onMissing: 'x12' },
      { type: 'webhook', id: 'wh', url: 'https://example.com', next: 'x13' },
    );
    const unknown = validateJourney(journey)
      .filter((found) => found.code === 'unknown_node')
      .map((found) => found.path);
    expect(unknown).toEqual([
      'nodes[9].paths[0].next',
      'nodes[10].variations.a',
      'nodes[10].otherwise',
      'nodes[11].branches[0].next',
      'nodes[11].otherwise',
      'nodes[12].next',
      'nodes[12].on.sent',
      'nodes[12].on.failed',
      'nodes[12].on.opened.next',
      'nodes[12].on.clicked.next',
      'nodes[13].next',
      'nodes[13].onMissing',
      'nodes[14].next',
    ]);
  });
});
