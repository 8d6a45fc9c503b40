export {
  type CohortRow,
  cohortRetention,
  type RetentionDefinition,
  type RetentionTable,
  readCohortRetention,
  retentionSchema,
} from './cohorts';
export {
  type RepeatPurchaseOptions,
  type RepeatPurchaseResult,
  readRepeatPurchases,
  repeatPurchaseOptionsSchema,
  repeatPurchases,
} from './repeat-purchase';
