/**
 * `@cx/server`: cx's HTTP edge. A drop-in for Segment's HTTP Tracking API, a Profile API, a
 * segment API and the messaging endpoints of `@cx/channels`, as a node:http handler with thin adapters for Express, Fastify, Hono and fetch-style servers.
 *
 * @packageDocumentation
 */
export { type ExpressLikeRequest, type ExpressMiddleware, expressCollector } from './adapters/express';
export { fastifyCollector } from './adapters/fastify';
export {
  createFetchHandler,
  fromFetchRequest,
  type HonoLikeContext,
  honoCollector,
  toFetchResponse,
} from './adapters/fetch-handler';
export {
  createCollectionHandler,
  fromNodeRequest,
  type NodeHandler,
  sendNodeResponse,
} from './adapters/node-handler';
export { hashKey, type KeyInput, type KeyScope } from './auth/key-ring';
export type { ContactPeriod, ProfileContactsBody } from './channels/contacts-route';
export type { OutboxBody, RetriedBody } from './channels/message-routes';
export type { PreferencesBody, PreferenceUpdateBody } from './channels/preference-route';
export type { PreviewRequestBody, PreviewResponseBody } from './channels/preview-route';
export type { UnsubscribedBody } from './channels/unsubscribe-route';
export type { CollectKind, CollectResponseBody } from './collect/collect-route';
export { type Collector, createCollector } from './collector';
export type { CollectorRequest, CollectorResponse } from './http/collector-http';
export type { ErrorBody } from './http/error-response';
export type { CollectorIdentity } from './identity-port';
export {
  type CollectorLimits,
  type CollectorOptions,
  DEFAULT_MAX_BATCH_BYTES,
  DEFAULT_MAX_EVENT_BYTES,
  type KeysInput,
  type RateLimitOptions,
  type SegmentsOptions,
  type ServerChannelsOptions,
  type WorkspaceKeys,
} from './options';
export type { DeleteResponseBody, ProfileResponseBody } from './profiles/profile-routes';
export {
  MAX_DEFINITION_BYTES,
  type ProfileSegmentsBody,
  type SegmentListBody,
  type SegmentPreviewBody,
  type SegmentSavedBody,
} from './segments/segment-routes';
