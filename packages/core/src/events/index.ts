export { contextSchema, type EventContext } from './context';
export { type CxEvent, type CxTrackEvent, cxEventSchema, utcTimestampSchema } from './cx-event';
export { jsonByteLengthUpperBound, measureJson } from './json-size';
export {
  correctClockSkew,
  eventByteLength,
  MAX_EVENT_BYTES,
  type NormalizeOptions,
  normalizeEvent,
} from './normalize';
export {
  aliasSchema,
  bagSchema,
  commonFieldsSchema,
  EVENT_TYPES,
  type EventType,
  groupSchema,
  identifySchema,
  idSchema,
  isIsoTimestamp,
  isoTimestampSchema,
  pageSchema,
  type SegmentEvent,
  type SegmentEventInput,
  screenSchema,
  segmentEventSchema,
  trackSchema,
} from './segment-spec';
export { isValidatedEvent, markValidated, validatedTimestamp, withProfileId } from './validated-events';
