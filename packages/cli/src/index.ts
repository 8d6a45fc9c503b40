/**
 * `@cx/cli`: the `cx` command (`cx serve`, `cx import`) and, for use from code, the streaming
 * importer behind `cx import` and the storage opener behind `--storage`.
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
export { createProgressReporter, type ProgressStream } from './progress/progress-reporter';
export { runCli, USAGE } from './run-cli';
export { type OpenedStorage, openStorage } from './storage/open-storage';
