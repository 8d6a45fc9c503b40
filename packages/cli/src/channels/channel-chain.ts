import { CHANNEL_KINDS, type ChannelKind } from '@cx/channels';
import { ConfigError } from '@cx/core';

/**
 * The fallback chain `--channel` gives: channels separated by commas, the preferred one first.
 *
 * @throws `ConfigError` for an unknown or repeated channel, or an empty list.
 * @example
 * ```ts
 * channelChain('zns,sms'); // ['zns', 'sms']
 * ```
 */
export function channelChain(value: string | undefined): ChannelKind[] {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) {
    throw new ConfigError(
      `--channel is required: one or more of ${CHANNEL_KINDS.join(', ')}, such as sms,email`,
    );
  }
  for (const name of names) {
    if (!(CHANNEL_KINDS as readonly string[]).includes(name)) {
      throw new ConfigError(`--channel: unknown channel "${name}": use ${CHANNEL_KINDS.join(', ')}`);
    }
  }
  if (new Set(names).size !== names.length) throw new ConfigError('--channel: a channel appears twice');
  if (names.length > 4) throw new ConfigError('--channel: at most 4 channels in a chain');
  return names as ChannelKind[];
}
