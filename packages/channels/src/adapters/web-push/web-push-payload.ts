import type { OutboundMessage } from '../../contract/outbound-message';

/**
 * The JSON a service worker receives in its `push` event: the notification fields and cx's message
 * id, so the worker can report clicks and the provider logs match cx's. Fields without a value are
 * left out to save bytes of the 4 KB budget.
 *
 * @example
 * ```ts
 * // in the service worker
 * self.addEventListener('push', (event) => {
 *   const { title, body, url, icon, image, id } = event.data.json();
 *   event.waitUntil(self.registration.showNotification(title, { body, icon, image, data: { url, id } }));
 * });
 * ```
 */
export interface WebPushPayload {
  title?: string;
  body?: string;
  url?: string;
  icon?: string;
  image?: string;
  data?: Record<string, unknown>;
  /** cx's message id. */
  id: string;
}

/**
 * Builds the {@link WebPushPayload} of a message.
 *
 * @example
 * ```ts
 * const json = JSON.stringify(webPushPayload(message));
 * ```
 */
export function webPushPayload(message: OutboundMessage): WebPushPayload {
  const { title, text, url, icon, image, data } = message.content;
  return { title, body: text, url, icon, image, data, id: message.id };
}
