import type { ChannelKind, MessageCategory } from '../../contract/channel-kind';
import type { MessageContent, OutboundMessage } from '../../contract/outbound-message';
import type { WebhookFormat } from './webhook-options';

/** The JSON body of a `cx`-format webhook: the message as the endpoint needs it. */
export interface CxWebhookPayload {
  /** cx's message id, also in the `Idempotency-Key` header: the key to dedupe by. */
  id: string;
  profileId: string;
  channel: ChannelKind;
  category: MessageCategory;
  topic: string | null;
  content: MessageContent;
  metadata: Record<string, string>;
  /** When cx sent it (ISO); the signature's `t` is the same moment in unix seconds. */
  sentAt: string;
}

/** The JSON body of a `slack`-format webhook (Slack and Google Chat incoming webhooks). */
export interface SlackWebhookPayload {
  text: string;
}

/** The content paths each format needs, in `validateMessage` form. */
export const REQUIRED_CONTENT: Record<WebhookFormat, string> = {
  cx: 'content.data|content.text|content.title|content.html',
  slack: 'content.text|content.title',
};

/**
 * Slack's mrkdwn escapes only `&`, `<` and `>`; anything else in the text is shown as written, so a
 * title with `<!channel>` cannot ping a whole channel.
 */
const escapeMrkdwn = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The chat text: the title in bold, the text, and the link (Slack `<url|label>` form). */
function chatText(content: MessageContent): string {
  const lines: string[] = [];
  if (content.title) lines.push(`*${escapeMrkdwn(content.title)}*`);
  if (content.text) lines.push(escapeMrkdwn(content.text));
  if (content.url) lines.push(`<${content.url}|${escapeMrkdwn(content.title ?? content.url)}>`);
  return lines.join('\n');
}

/** The request body for `message` in `format`, as the object that will be serialised and signed. */
export function webhookPayload(
  message: OutboundMessage,
  format: WebhookFormat,
  sentAt: string,
): CxWebhookPayload | SlackWebhookPayload {
  if (format === 'slack') return { text: chatText(message.content) };
  return {
    id: message.id,
    profileId: message.to.profileId,
    channel: message.channel,
    category: message.category,
    topic: message.topic ?? null,
    content: message.content,
    metadata: message.metadata ?? {},
    sentAt,
  };
}
