export { type MigrateOptions, type MigrateResult, migrate } from './migrate';
export type { Migration } from './migration';
