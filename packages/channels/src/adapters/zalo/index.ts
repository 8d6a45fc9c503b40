/**
 * `@cx/channels/zalo`: the Zalo Notification Service (ZNS) adapter `zaloZns`, its error-code table
 * and Zalo's webhook signature. No dependencies beyond Node (`fetch`, `node:crypto`) and zod.
 *
 * @packageDocumentation
 */
export { verifyZaloEventSignature, zaloEventSignature } from './zalo-event-signature';
export { zaloZns } from './zalo-zns';
export { ZNS_ERROR_CODES, type ZnsErrorCode, type ZnsErrorKind } from './zns-error-codes';
export type { ZaloZnsOptions } from './zns-options';
