export {
  type CohortRow,
  cohortRetention,
  type RetentionDefinition,
  type RetentionTable,
  retentionSchema,
} from './cohorts';
export { type RepeatPurchaseResult, repeatPurchases } from './repeat-purchase';
