import {
  type DeliveryError,
  ProviderRejectedError,
  ProviderUnavailableError,
  RecipientUnreachableError,
} from '../../errors/delivery-errors';

/** The fields nodemailer puts on its errors (`NodemailerError`), all optional. */
interface SmtpErrorLike {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  rejected?: string[];
}

/** Failures of what we sent, or of our own setup: the same request would fail again. */
const REJECTED_CODES = new Set([
  'EAUTH',
  'ENOAUTH',
  'EMESSAGE',
  'ESTREAM',
  'ECONFIG',
  'EREQUIRETLS',
  'EMAXRECIPIENTS',
  'EFILEACCESS',
  'EURLACCESS',
]);

/** Reply codes on `RCPT TO` that say the mailbox does not exist or will not take mail. */
const MAILBOX_REFUSED = new Set([550, 551, 553]);

/** The RFC 3463 enhanced status code at the start of a reply (`550 5.1.1 …`), if any. */
const enhancedStatus = (response: string | undefined) =>
  /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(response ?? '')?.[1];

function describe(error: SmtpErrorLike, fallback: unknown, op: string): string {
  const what = error.response ?? error.message ?? String(fallback);
  return `${op === 'send' ? '' : `${op}: `}${error.command ? `${error.command}: ` : ''}${what}`;
}

/**
 * Sorts a nodemailer error into the delivery error the dispatcher acts on:
 * - no answer (connection refused or dropped, timeout, TLS or DNS failure), a 4xx reply (421, 450,
 *   451, 452) or 503 (the session was in the wrong state; a new connection can succeed) →
 *   {@link ProviderUnavailableError}: retried, then failed over;
 * - a 5xx on `RCPT TO` for the recipient (550, 551, 553, or the address listed in `rejected`) →
 *   {@link RecipientUnreachableError} with reason `invalid-address`, so the fallback channel takes
 *   over. A 5.7.x policy refusal there (`550 5.7.1 Relay access denied`) is about us, not the
 *   mailbox, and is a {@link ProviderRejectedError} instead;
 * - any other 5xx (554 after DATA, 535 bad credentials) and a message nodemailer could not build →
 *   {@link ProviderRejectedError}: sending the same again cannot help.
 * Errors from elsewhere (a custom transport) count as unavailable: retrying them is safe, dropping
 * them is not. `status` is the SMTP reply code, `providerCode` nodemailer's code (`EENVELOPE`).
 *
 * @example
 * ```ts
 * try { await transporter.sendMail(mail); }
 * catch (error) { throw mapSmtpError('smtp', error, { recipient: 'lan@example.com' }); }
 * ```
 */
export function mapSmtpError(
  adapter: string,
  error: unknown,
  context: { recipient?: string; op?: 'send' | 'verify' } = {},
): DeliveryError {
  const smtp: SmtpErrorLike = typeof error === 'object' && error !== null ? (error as SmtpErrorLike) : {};
  const status = typeof smtp.responseCode === 'number' ? smtp.responseCode : undefined;
  const code = typeof smtp.code === 'string' ? smtp.code : undefined;
  const options = {
    adapter,
    message: describe(smtp, error, context.op ?? 'send'),
    cause: error,
    ...(status === undefined ? {} : { status }),
    ...(code === undefined ? {} : { providerCode: code }),
  };
  const recipient = context.recipient?.toLowerCase();
  const recipientRejected =
    recipient !== undefined && (smtp.rejected ?? []).some((address) => address.toLowerCase() === recipient);

  if (status !== undefined && status >= 500 && status < 600 && status !== 503) {
    const atRcpt = /^RCPT\b/i.test(smtp.command ?? '');
    const policy = enhancedStatus(smtp.response)?.startsWith('5.7.') === true;
    if (!policy && ((atRcpt && MAILBOX_REFUSED.has(status)) || recipientRejected)) {
      return new RecipientUnreachableError({ ...options, reason: 'invalid-address' });
    }
    return new ProviderRejectedError(options);
  }
  // 4xx, 503, and 2xx/3xx where nodemailer expected another reply: the server is busy or confused.
  if (status !== undefined) return new ProviderUnavailableError(options);
  if (code === 'EENVELOPE' && recipientRejected) {
    return new RecipientUnreachableError({ ...options, reason: 'invalid-address' });
  }
  if (code !== undefined && (REJECTED_CODES.has(code) || code === 'EENVELOPE')) {
    return new ProviderRejectedError(options);
  }
  return new ProviderUnavailableError(options);
}
