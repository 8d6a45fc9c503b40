import type { TemplateDefinition } from '@cx/channels';
import { defineJourney, exit, goal, message, onSegment, performed, waitFor } from '../../src/definition';

/** The id the At Risk RFM segment's membership events carry as `properties.segmentId`. */
export const AT_RISK = 'rfm-at-risk';

const couponEmail: TemplateDefinition = {
  id: 'win-back-coupon',
  channel: 'email',
  defaultLocale: 'en-US',
  variants: {
    'en-US': {
      subject: 'We miss you, {{ profile.traits.firstName }}: 15% off with {{ data.coupon }}',
      html: '<p>Use {{ data.coupon }} on your next order.</p><a href="{{ message.links.unsubscribe }}">Unsubscribe</a>',
    },
  },
};

/**
 * Win-back for the RFM "At Risk" segment: on entering it, an email with a coupon, then a week to
 * order. An order is the goal; a person may come back into the journey only 30 days after their
 * last instance ended.
 */
export const winBack = defineJourney({
  id: 'win-back',
  entry: onSegment(AT_RISK),
  start: 'coupon',
  nodes: [
    message(
      'coupon',
      { channels: ['email'], templates: { email: couponEmail }, data: { coupon: 'COMEBACK15' } },
      'wait-order',
    ),
    waitFor(
      'wait-order',
      { until: performed('Order Completed'), timeout: { days: 7 }, onTimeout: 'no-order' },
      'ordered',
    ),
    exit('ordered'),
    exit('no-order'),
  ],
  goals: [goal('won-back', performed('Order Completed'))],
  reentry: { mode: 'after-exit', cooldown: { days: 30 } },
});
