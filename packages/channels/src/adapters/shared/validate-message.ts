import { parseOrThrow, ValidationError } from '@cx/core';
import type { ChannelKind } from '../../contract/channel-kind';
import { type OutboundMessage, outboundMessageSchema } from '../../contract/outbound-message';

/**
 * Checks a message before an adapter sends it: the shape (zod), the channel, and the fields this
 * channel needs. Throws a `ValidationError` naming each missing field, so nothing reaches the
 * provider.
 *
 * @param required Paths that must be present, such as `to.email` or `content.subject`; a group
 *   `content.html|content.text` needs one of them.
 */
export function validateMessage(
  adapter: string,
  channel: ChannelKind,
  message: unknown,
  required: readonly string[],
): OutboundMessage {
  const parsed = parseOrThrow(outboundMessageSchema, message, `${adapter} message`) as OutboundMessage;
  const issues: { path: string; message: string; code: string }[] = [];
  if (parsed.channel !== channel) {
    issues.push({
      path: 'channel',
      message: `${adapter} sends ${channel}, not ${parsed.channel}`,
      code: 'custom',
    });
  }
  for (const group of required) {
    const paths = group.split('|');
    const present = paths.some((path) => {
      let value: unknown = parsed;
      for (const part of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
      return value !== undefined && value !== '';
    });
    if (!present) {
      issues.push({
        path: paths[0] ?? group,
        message: `${adapter} needs ${paths.join(' or ')}`,
        code: 'custom',
      });
    }
  }
  if (issues.length > 0) {
    throw new ValidationError(
      `${adapter} message: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      issues,
    );
  }
  return parsed;
}
