/**
 * `@cx/cli`: the `cx` command (`cx serve`, `cx import`, `cx segments`) and, for use from code,
 * the streaming importer behind `cx import`, the backfill loop behind `cx segments backfill` and
 * the storage opener behind `--storage`.
 *
 * @packageDocumentation
 */
export { type CliIo, EXIT } from './commands/cli-io';
export { type ImportFileOptions, type ImportIdentity, importFile } from './import/import-file';
export type {
  ImportFormat,
  ImportKind,
  ImportProgress,
  ImportSummary,
  PendingCall,
  RowError,
} from './import/import-types';
export {
  contentMessageId,
  csvMapping,
  csvRowToCall,
  derivedAnonymousId,
  ndjsonLineToCall,
} from './import/row-mapping';
export { MAX_ROW_BYTES } from './import/row-sources';
export {
  type BackfillProgress,
  createBackfillReporter,
  describeBackfill,
} from './progress/backfill-progress';
export { createProgressReporter, type ProgressStream } from './progress/progress-reporter';
export { runCli, USAGE } from './run-cli';
export {
  type BackfillOutcome,
  type BackfillSegmentOptions,
  backfillSegment,
} from './segments/backfill-segment';
export { type OpenedStorage, openStorage } from './storage/open-storage';
