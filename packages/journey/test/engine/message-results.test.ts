import { describe, expect, it } from 'vitest';
import type { MessageNode } from '../../src/definition/journey-types';
import { DAY, HOUR, JourneyHarness } from './journey-harness';
import { around } from './recipes';

const t0 = Date.parse('2026-12-03T12:00:00Z');
const key = 'test-journey/1/p1/1/email';

function email(on: MessageNode['on']) {
  const definition = around(
    { type: 'message', id: 'email', channels: ['email'], templates: { email: 'welcome' }, next: 'next', on },
    {},
    ['next', 'sent-path', 'failed-path', 'opened-path', 'clicked-path'],
  );
  const harness = new JourneyHarness(definition, { now: t0 });
  harness.enter();
  return harness;
}

const opened = { within: { days: 1 }, next: 'opened-path' };
const clicked = { within: { days: 1 }, next: 'clicked-path' };

describe('message results', () => {
  it('waits for sent or failed without a timer', () => {
    const harness = email({ sent: 'sent-path', failed: 'failed-path' });
    expect(harness.state.waiting).toEqual({
      kind: 'message',
      node: 'email',
      messageId: key,
      timeoutAt: null,
    });
    expect(harness.timer).toBeNull();
    expect(harness.state.data).toEqual({ messages: { email: { key, queuedAt: t0, visits: 1 } } });

    const sent = harness.messageResult('email', 'sent');
    expect(sent.effects.map((effect) => effect.type)).toEqual(['journey-event', 'journey-event']);
    expect(harness.state).toMatchObject({
      node: 'sent-path',
      data: { messages: { email: { result: 'sent' } } },
    });
  });

  it('goes to failed on failure', () => {
    const harness = email({ sent: 'sent-path', failed: 'failed-path' });
    harness.messageResult('email', 'failed');
    expect(harness.state.node).toBe('failed-path');
  });

  it('goes to next at once on a failure without a failed branch', () => {
    const harness = email({ opened });
    harness.messageResult('email', 'failed');
    expect(harness.state.node).toBe('next');
    expect(harness.timer).toBeNull();
  });

  it('ignores the result of another message', () => {
    const harness = email({ sent: 'sent-path' });
    const before = harness.state;
    expect(harness.step({ type: 'message', messageId: 'other/email', outcome: 'sent' })).toEqual({
      state: before,
      effects: [],
    });
  });

  it('goes to opened on an open within the window, cancelling the window timer', () => {
    const harness = email({ opened });
    expect(harness.timer).toEqual({ at: t0 + DAY, node: 'email' });
    expect(harness.messageResult('email', 'sent').effects).toEqual([]);
    expect(harness.state.status).toBe('waiting');
    harness.advance(5 * HOUR);
    const open = harness.messageResult('email', 'opened');
    expect(open.effects[0]).toEqual({ type: 'cancel-timer' });
    expect(harness.state).toMatchObject({
      node: 'opened-path',
      data: { messages: { email: { result: 'sent', openedAt: t0 + 5 * HOUR } } },
    });
  });

  it('counts a click as an open', () => {
    const harness = email({ opened });
    harness.advance(HOUR);
    harness.messageResult('email', 'clicked');
    expect(harness.state.node).toBe('opened-path');
  });

  it('goes to next when the window times out', () => {
    const harness = email({ opened, clicked });
    harness.advance(DAY);
    expect(harness.state).toMatchObject({ node: 'next', status: 'exited' });
    expect(harness.state.path.at(-1)).toEqual({ node: 'next', at: t0 + DAY });
  });

  it('ignores an open after its window', () => {
    const harness = email({
      opened: { within: { hours: 2 }, next: 'opened-path' },
      clicked: { within: { days: 2 }, next: 'clicked-path' },
    });
    harness.advance(3 * HOUR);
    expect(harness.messageResult('email', 'opened').effects).toEqual([]);
    expect(harness.state.status).toBe('waiting');
    harness.advance(2 * DAY);
    expect(harness.state.node).toBe('next');
  });

  it('goes to clicked at once, even after an open', () => {
    const harness = email({ opened, clicked });
    harness.advance(HOUR);
    // The click can still come, so the open does not decide yet.
    expect(harness.messageResult('email', 'opened').effects).toEqual([]);
    expect(harness.state.status).toBe('waiting');
    harness.advance(HOUR);
    const click = harness.messageResult('email', 'clicked');
    expect(click.effects[0]).toEqual({ type: 'cancel-timer' });
    expect(harness.state.node).toBe('clicked-path');
  });

  it('goes to opened when the click window closes after an open', () => {
    const harness = email({ opened, clicked });
    harness.advance(HOUR);
    harness.messageResult('email', 'opened');
    harness.advance(DAY);
    expect(harness.state.node).toBe('opened-path');
    expect(harness.state.path.at(-1)).toEqual({ node: 'opened-path', at: t0 + DAY });
  });

  it('wakes at the end of a shorter click window once an open has counted', () => {
    const harness = email({ opened: { within: { days: 3 }, next: 'opened-path' }, clicked });
    expect(harness.timer).toEqual({ at: t0 + 3 * DAY, node: 'email' });
    harness.advance(HOUR);
    expect(harness.messageResult('email', 'opened').effects).toEqual([
      { type: 'timer', at: t0 + DAY, node: 'email' },
    ]);
    expect(harness.state.waiting).toMatchObject({ timeoutAt: t0 + DAY });
    harness.advanceTo(t0 + DAY);
    expect(harness.state.node).toBe('opened-path');
  });

  it('moves on at once without on, and sends a new message on each visit of a loop', () => {
    const definition = {
      id: 'digest',
      entry: { type: 'api' as const },
      start: 'digest',
      nodes: [
        {
          type: 'message' as const,
          id: 'digest',
          channels: ['email' as const],
          templates: { email: 'digest' },
          next: 'week',
        },
        { type: 'wait' as const, id: 'week', for: { days: 7 }, next: 'digest' },
      ],
    };
    const harness = new JourneyHarness(definition, { now: t0 });
    harness.enter();
    expect(harness.state.node).toBe('week');
    harness.advance(14 * DAY);
    expect(harness.sent.map((send) => send.key)).toEqual([
      'digest/1/p1/1/digest',
      'digest/1/p1/1/digest#2',
      'digest/1/p1/1/digest#3',
    ]);
    expect(harness.state.data).toMatchObject({
      messages: { digest: { visits: 3, queuedAt: t0 + 14 * DAY } },
    });
  });
});
