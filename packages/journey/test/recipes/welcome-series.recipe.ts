import type { TemplateDefinition } from '@cx/channels';
import {
  branch,
  defineJourney,
  exit,
  matches,
  message,
  onEvent,
  waitUntilTime,
  when,
} from '../../src/definition';

const email = (id: string, subject: string, text: string): TemplateDefinition => ({
  id,
  channel: 'email',
  defaultLocale: 'en-US',
  variants: {
    'en-US': {
      subject,
      html: `<p>${text}</p><a href="{{ message.links.unsubscribe }}">Unsubscribe</a>`,
    },
  },
});

/**
 * The welcome series: a welcome email at once, then tips for the person's plan at 09:00 on the
 * next weekday in their own time zone, then a note in the in-app inbox.
 */
export const welcomeSeries = defineJourney({
  id: 'welcome-series',
  entry: onEvent('Signed Up'),
  start: 'welcome',
  nodes: [
    message(
      'welcome',
      {
        channels: ['email'],
        templates: {
          email: email('welcome', 'Welcome, {{ profile.traits.firstName }}', 'Glad you are here.'),
        },
      },
      'weekday-morning',
    ),
    waitUntilTime('weekday-morning', { at: '09:00', weekdays: [1, 2, 3, 4, 5] }, 'by-plan'),
    branch('by-plan', [when(matches({ 'traits.plan': 'pro' }), 'tips-pro')], 'tips-free'),
    message(
      'tips-pro',
      {
        channels: ['email'],
        templates: { email: email('tips-pro', 'Pro tips: automate your journeys', 'Pro tips.') },
      },
      'note',
    ),
    message(
      'tips-free',
      {
        channels: ['email'],
        templates: { email: email('tips-free', 'Tips: your first segment', 'Free tips.') },
      },
      'note',
    ),
    message(
      'note',
      {
        channels: ['in-app'],
        templates: {
          'in-app': {
            id: 'welcome-note',
            channel: 'in-app',
            defaultLocale: 'en-US',
            variants: { 'en-US': { title: 'Your workspace is ready', text: 'Start with the checklist.' } },
          },
        },
      },
      'done',
    ),
    exit('done'),
  ],
});
