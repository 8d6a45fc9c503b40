export { ENGAGED_AFTER_MS, isClassicBounce, isEngaged, type SessionMetrics, sessionMetrics } from './bounce';
export {
  type ConversionOptions,
  type ConversionResult,
  conversionOptionsSchema,
  conversionRate,
} from './conversion';
export {
  buildSessions,
  readSessions,
  type Session,
  type SessionOptions,
  sessionOptionsSchema,
} from './sessions';
