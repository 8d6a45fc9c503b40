/**
 * `@cx/channels/sms`: SMS adapters (`twilioSms`, `httpSms`), the GSM-7 / UCS-2 part counter, the
 * Vietnamese diacritics stripper, a cost estimate and E.164 phone normalisation. No dependencies
 * beyond Node (`fetch`, `node:crypto`) and zod.
 *
 * @packageDocumentation
 */
export { GSM_BASIC_CHARACTERS, GSM_EXTENSION_CHARACTERS, gsmSeptets } from './encoding/gsm-alphabet';
export { type PreparedSmsText, prepareSmsText } from './encoding/prepare-sms-text';
export { estimateSmsCost, type SmsCostEstimate, type SmsCostOptions } from './encoding/sms-cost';
export {
  countSmsSegments,
  detectSmsEncoding,
  type SmsEncoding,
  type SmsSegmentCount,
  splitSms,
} from './encoding/sms-encoding';
export { stripVietnameseDiacritics } from './encoding/vietnamese-diacritics';
export { httpSms } from './http/http-sms';
export type { HttpSmsOptions } from './http/http-sms-options';
export {
  checkHttpSmsSignature,
  type HttpSmsSignatureProblem,
  signHttpSmsWebhook,
} from './http/http-sms-signature';
export { type NormalizePhoneOptions, normalizePhone } from './normalize-phone';
export type { TwilioSmsOptions } from './twilio/twilio-options';
export { type TwilioParams, twilioSignature, verifyTwilioSignature } from './twilio/twilio-signature';
export { twilioSms } from './twilio/twilio-sms';
