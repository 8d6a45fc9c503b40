export { type AnchorTag, rewriteAnchorHrefs } from './anchor-hrefs';
export { mapSmtpError } from './map-smtp-error';
export { emailMessageId } from './message-id';
export { smtpEmail } from './smtp-email';
export type {
  EmailTrackingOptions,
  SmtpConnectionOptions,
  SmtpEmailBaseOptions,
  SmtpEmailOptions,
} from './smtp-options';
export { NO_TRACK_ATTRIBUTE, type TrackHtmlOptions, trackHtml } from './track-html';
export { type UnsubscribeHeaders, unsubscribeHeaders } from './unsubscribe-headers';
