import { describe, expect, it } from 'vitest';
import {
  applyPreferenceChange,
  type ContactPreferences,
  checkConsent,
  type SubscriptionTopic,
} from '../../src';

const topics = new Map<string, SubscriptionTopic>([
  ['promotions', { id: 'promotions', name: 'Khuyến mãi' }],
  ['back-in-stock', { id: 'back-in-stock', name: 'Hàng về', optIn: true }],
  ['orders', { id: 'orders', name: 'Đơn hàng', channels: ['email', 'zns'] }],
]);
const stamp = { at: '2026-03-02T00:00:00.000Z', source: 'api' };
const all = ['email', 'sms', 'zns', 'web-push', 'mobile-push', 'webhook', 'in-app'] as const;
const change = (current: ContactPreferences, input: Parameters<typeof applyPreferenceChange>[1]) =>
  applyPreferenceChange(
    current,
    input,
    stamp,
    input.op === 'unsubscribe' || input.op === 'subscribe'
      ? [...(topics.get(input.topic ?? '')?.channels ?? all)]
      : [],
  );

describe('checkConsent', () => {
  const none: ContactPreferences = { channels: {} };

  it('lets everything through for someone who chose nothing, except opt-in topics', () => {
    expect(
      checkConsent(none, topics, { channel: 'email', category: 'marketing', topic: 'promotions' }),
    ).toEqual({ allowed: true });
    expect(
      checkConsent(none, topics, { channel: 'email', category: 'marketing', topic: 'back-in-stock' }),
    ).toMatchObject({
      allowed: false,
      rule: 'not-subscribed',
    });
  });

  it('applies a global unsubscribe to marketing only', () => {
    const left = change(none, { op: 'unsubscribe' });
    expect(checkConsent(left, topics, { channel: 'sms', category: 'marketing' })).toMatchObject({
      rule: 'unsubscribed-all',
    });
    expect(checkConsent(left, topics, { channel: 'sms', category: 'transactional' })).toEqual({
      allowed: true,
    });
    expect(
      checkConsent(change(left, { op: 'subscribe' }), topics, { channel: 'sms', category: 'marketing' }),
    ).toEqual({
      allowed: true,
    });
  });

  it('leaves a topic on every channel it sends on, or on one channel', () => {
    const leftEverywhere = change(none, { op: 'unsubscribe', topic: 'promotions' });
    for (const channel of ['email', 'zns'] as const) {
      expect(
        checkConsent(leftEverywhere, topics, { channel, category: 'marketing', topic: 'promotions' }),
      ).toMatchObject({
        rule: 'unsubscribed-topic',
      });
    }
    const leftOnSms = change(none, { op: 'unsubscribe', topic: 'promotions', channel: 'sms' });
    expect(
      checkConsent(leftOnSms, topics, { channel: 'email', category: 'marketing', topic: 'promotions' }),
    ).toEqual({
      allowed: true,
    });
  });

  it('refuses a topic on a channel it does not send on, and suppressions stop transactional too', () => {
    expect(
      checkConsent(none, topics, { channel: 'sms', category: 'transactional', topic: 'orders' }),
    ).toMatchObject({
      rule: 'topic-not-on-channel',
    });
    const bounced = change(none, { op: 'suppress', channel: 'email', reason: 'hard-bounce' });
    expect(checkConsent(bounced, topics, { channel: 'email', category: 'transactional' })).toMatchObject({
      rule: 'suppressed',
    });
    expect(
      checkConsent(change(bounced, { op: 'unsuppress', channel: 'email' }), topics, {
        channel: 'email',
        category: 'transactional',
      }),
    ).toEqual({ allowed: true });
  });

  it('never changes the preferences it was given', () => {
    const frozen = Object.freeze({ channels: Object.freeze({}) }) as ContactPreferences;
    expect(() => change(frozen, { op: 'unsubscribe', channel: 'email' })).not.toThrow();
    expect(frozen).toEqual({ channels: {} });
  });
});
