import type { OutboundMessage } from '../../src/contract/outbound-message';

/** An SMS the adapters can deliver: transactional, Vietnamese, one UCS-2 part. */
export function smsMessage(
  id: string,
  phone = '+84912345678',
  text = 'Mã OTP của bạn là 123456',
): OutboundMessage {
  return {
    id,
    channel: 'sms',
    category: 'transactional',
    to: { profileId: `profile-${id}`, phone },
    content: { text },
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, the promise resolved');
}
