import { ValidationError } from '@cx/core';
import type { OutboundMessage } from '../../contract/outbound-message';

/**
 * The device token of a message, once its platform is the adapter's own: an APNs token sent to FCM
 * (or the reverse) is a routing mistake, refused before any request.
 *
 * @throws `ValidationError` at `to.device.platform`.
 *
 * @example
 * ```ts
 * const token = devicePlatformToken('apns', message, 'apns');
 * ```
 */
export function devicePlatformToken(
  adapter: string,
  message: OutboundMessage,
  platform: 'fcm' | 'apns',
): string {
  const device = message.to.device;
  if (device?.platform !== platform) {
    const issue = `${adapter} sends to ${platform} devices, not ${device?.platform ?? 'none'}`;
    throw new ValidationError(`${adapter} message: to.device.platform: ${issue}`, [
      { path: 'to.device.platform', message: issue, code: 'custom' },
    ]);
  }
  return device.token;
}
