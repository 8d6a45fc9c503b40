export { type Aes128gcmOptions, encryptAes128gcm, type P256KeyPair } from './aes128gcm';
export {
  createVapidAuthorizer,
  type VapidAuthorizer,
  type VapidAuthorizerOptions,
  type VapidDetails,
} from './vapid';
export { generateVapidKeys, type VapidKeys } from './vapid-keys';
export { MAX_WEB_PUSH_BODY, webPush } from './web-push-adapter';
export type { WebPushOptions } from './web-push-options';
export type { WebPushPayload } from './web-push-payload';
