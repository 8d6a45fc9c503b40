export { apnsId } from './apns-message';
export { APNS_PRODUCTION_ORIGIN, APNS_SANDBOX_ORIGIN, type ApnsPushOptions } from './apns-options';
export { apnsPush, MAX_APNS_PAYLOAD } from './apns-push';
export { APNS_TOKEN_REUSE_MS } from './apns-token';
export { CX_MESSAGE_ID_KEY, type FcmMessage } from './fcm-message';
export type { FcmPushOptions } from './fcm-options';
export { FCM_SCOPE, fcmPush } from './fcm-push';
export { type GoogleAccessTokens, type GoogleAccessTokensOptions, googleAccessTokens } from './google-oauth';
export { GOOGLE_TOKEN_URI, type GoogleServiceAccount } from './service-account';
