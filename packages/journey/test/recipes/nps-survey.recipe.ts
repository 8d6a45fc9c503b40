import type { TemplateDefinition } from '@cx/channels';
import {
  branch,
  defineJourney,
  exit,
  matches,
  message,
  onEvent,
  performed,
  updateTrait,
  wait,
  waitFor,
  when,
} from '../../src/definition';

const surveyZns: TemplateDefinition = {
  id: 'nps-zns',
  channel: 'zns',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': {
      templateId: '240101',
      templateData: {
        customer_name: '{{ profile.traits.firstName }}',
        order_code: '{{ data.entry.orderId }}',
      },
    },
  },
};

const surveySms: TemplateDefinition = {
  id: 'nps-sms',
  channel: 'sms',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': {
      text: 'Shop: ban cham don {{ data.entry.orderId }} bao nhieu diem? https://shop.example/nps/{{ data.entry.orderId }}',
    },
  },
};

const reviewEmail: TemplateDefinition = {
  id: 'review-request',
  channel: 'email',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': {
      subject: 'Cảm ơn {{ profile.traits.firstName }}! Viết đánh giá cho đơn {{ event.properties.orderId }}?',
      html: '<p>Đánh giá của bạn giúp người mua khác.</p><a href="{{ message.links.unsubscribe }}">Hủy đăng ký</a>',
    },
  },
};

/**
 * The NPS survey: three days after an order, a ZNS survey (SMS for people without Zalo), then a
 * week to answer (`Survey Responded`, the @cx/metrics convention), matched to the order by
 * `orderId`. The wait-for keeps the answer (`data.events['wait-answer']`), so the branch reads its
 * score: promoters (9–10) get a review request, detractors (0–6) are flagged for a call
 * (`needsFollowUp`), passives leave.
 */
export const npsSurvey = defineJourney({
  id: 'nps-survey',
  entry: onEvent('Order Completed', { where: { orderId: { $exists: true } }, correlation: ['orderId'] }),
  start: 'wait-3d',
  nodes: [
    wait('wait-3d', { days: 3 }, 'survey'),
    message(
      'survey',
      { channels: ['zns', 'sms'], templates: { zns: surveyZns, sms: surveySms }, category: 'transactional' },
      'wait-answer',
    ),
    waitFor(
      'wait-answer',
      {
        until: performed('Survey Responded', {
          where: { survey: 'post-purchase', question: 'nps' },
          correlate: { orderId: 'orderId' },
        }),
        timeout: { days: 7 },
        onTimeout: 'no-answer',
      },
      'by-score',
    ),
    branch(
      'by-score',
      [
        when(matches({ 'data.events.wait-answer.properties.score': { $gte: 9 } }), 'review-request'),
        when(matches({ 'data.events.wait-answer.properties.score': { $lte: 6 } }), 'flag'),
      ],
      'answered',
    ),
    message('review-request', { channels: ['email'], templates: { email: reviewEmail } }, 'answered'),
    updateTrait('flag', { needsFollowUp: true }, 'answered'),
    exit('answered'),
    exit('no-answer'),
  ],
});
