export { CxError, type CxErrorCode, type CxErrorOptions, isCxError } from './cx-error';
export {
  AdapterError,
  type AdapterErrorOptions,
  ConfigError,
  ConflictError,
  LimitError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
  type ValidationIssue,
} from './errors';
export { formatPath, parseOrThrow, toValidationIssues, validationErrorFromZod } from './from-zod';
