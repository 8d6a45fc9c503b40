import { ConfigError } from '@cx/core';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { ChannelAdapter, SendOptions, SendResult } from '../../contract/channel-adapter';
import type { OutboundMessage } from '../../contract/outbound-message';
import { validateMessage } from '../shared/validate-message';
import { mapSmtpError } from './map-smtp-error';
import { emailMessageId } from './message-id';
import { type ParsedSmtpEmailOptions, parseSmtpEmailOptions, type SmtpEmailOptions } from './smtp-options';
import { trackHtml } from './track-html';
import { unsubscribeHeaders } from './unsubscribe-headers';

const REQUIRED = ['to.email', 'content.subject', 'content.html|content.text'] as const;

/** Our own transport, pooled unless the options say otherwise. */
function createTransport(smtp: NonNullable<ParsedSmtpEmailOptions['smtp']>): Transporter {
  return nodemailer.createTransport({ ...smtp });
}

/** The nodemailer message for one validated cx message. */
function toMail(config: ParsedSmtpEmailOptions, message: OutboundMessage): SendMailOptions {
  const { content, links } = message;
  const headers: NonNullable<SendMailOptions['headers']> = { 'X-Cx-Message-Id': message.id };
  for (const [key, value] of Object.entries(unsubscribeHeaders(config.id, message.category, links))) {
    // Prepared: written as built (nodemailer would otherwise encode the URLs); folded at the ", ".
    headers[key] = { prepared: true, foldLines: true, value };
  }
  const { tracking } = config;
  const html =
    content.html !== undefined && tracking
      ? trackHtml(content.html, {
          links: tracking.links,
          messageId: message.id,
          profileId: message.to.profileId,
          opens: tracking.opens,
          clicks: tracking.clicks,
          keep: [links?.unsubscribe, links?.preferences],
        })
      : content.html;
  return {
    from: config.from,
    ...(config.replyTo === undefined ? {} : { replyTo: config.replyTo }),
    to: message.to.email,
    subject: content.subject,
    ...(html === undefined ? {} : { html }),
    ...(content.text === undefined ? {} : { text: content.text }),
    headers,
    ...(config.messageIdDomain === undefined
      ? {}
      : { messageId: emailMessageId(message.id, config.messageIdDomain) }),
  };
}

/**
 * An email {@link ChannelAdapter} over SMTP with nodemailer. Give it the application's own
 * transporter (`transport`, never closed by the adapter) or an SMTP server to reach (`smtp`, a
 * pooled transport the adapter creates and `close()` closes).
 *
 * Every message gets `X-Cx-Message-Id`; marketing messages must carry an https unsubscribe link
 * and get RFC 8058 one-click `List-Unsubscribe` headers; with `tracking`, links go through the click
 * redirect and an open pixel is added; with `messageIdDomain`, the Message-ID is deterministic.
 * SMTP has no idempotency key, so the adapter is not `idempotent`: a retry after a lost reply can
 * deliver twice, and the deterministic Message-ID is what lets the receiver drop the copy.
 *
 * @example
 * ```ts
 * import { smtpEmail } from '@cx/channels/email';
 *
 * const email = smtpEmail({
 *   from: 'Shop Lan <news@shop.vn>',
 *   smtp: { host: 'smtp.example.com', port: 587, requireTLS: true, auth: { user: 'news', pass: 'secret' }, maxConnections: 3 },
 *   messageIdDomain: 'mail.shop.vn',
 * });
 * await email.send({
 *   id: 'order-shipped:42', channel: 'email', category: 'transactional',
 *   to: { profileId: 'p1', email: 'lan@example.com' },
 *   content: { subject: 'Đơn hàng đã gửi', text: 'Xin chào Lan, đơn hàng của bạn đã được gửi.' },
 * });
 * await email.close?.();
 * ```
 */
export function smtpEmail(options: SmtpEmailOptions): ChannelAdapter {
  const config = parseSmtpEmailOptions(options);
  const adapter = config.id;
  const owned = config.transport === undefined;
  const transporter = config.transport ?? createTransport(config.smtp as NonNullable<typeof config.smtp>);
  let closed = false;

  const ensureOpen = () => {
    if (closed) throw new ConfigError(`${adapter}: the adapter was closed`);
  };

  return {
    id: adapter,
    channel: 'email',
    async send(input: OutboundMessage, sendOptions: SendOptions = {}): Promise<SendResult> {
      // Everything that can refuse the message runs before the first byte goes to the server.
      const message = validateMessage(adapter, 'email', input, REQUIRED);
      const mail = toMail(config, message);
      ensureOpen();
      const { signal } = sendOptions;
      try {
        signal?.throwIfAborted();
        const info = await transporter.sendMail({ ...mail, ...(signal ? { signal } : {}) });
        return {
          providerMessageId: String(info.messageId),
          status: 'sent',
          details: {
            accepted: (info.accepted ?? []).map(String).join(', '),
            response: String(info.response ?? ''),
          },
        };
      } catch (error) {
        throw mapSmtpError(adapter, error, { recipient: message.to.email as string });
      }
    },
    async verify() {
      ensureOpen();
      try {
        await transporter.verify();
      } catch (error) {
        throw mapSmtpError(adapter, error, { op: 'verify' });
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (owned) transporter.close();
    },
  };
}
