/**
 * Contact pressure: frequency caps and quiet hours, decided per message against a person's send
 * ledger in their own time zone. Pure and in-memory; the ledger store and the dispatcher use it.
 *
 * @packageDocumentation
 */
export { type ContactSummary, type ContactSummaryOptions, contactSummary } from './contact-summary';
export { ledgerHorizonMs, pruneLedger } from './ledger-horizon';
export {
  civilFromDays,
  DAY_MS,
  daysFromCivil,
  type LocalPeriod,
  LocalZone,
  localZone,
  weekdayOfDay,
} from './local-time';
export {
  createPressurePolicy,
  type PressureDecision,
  type PressurePolicy,
  type PressureRequest,
} from './pressure-policy';
export {
  type CapPeriod,
  type FrequencyCapRule,
  type LedgerEntry,
  type PressurePolicyInput,
  type PressureRule,
  pressurePolicyInputSchema,
  type QuietHoursRule,
  type Weekday,
} from './pressure-rules';
