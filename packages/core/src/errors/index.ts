export { CxError, isCxError, type CxErrorCode, type CxErrorOptions } from './cx-error';
export {
  AdapterError,
  ConfigError,
  ConflictError,
  LimitError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
  type AdapterErrorOptions,
  type ValidationIssue,
} from './errors';
export { formatPath, parseOrThrow, toValidationIssues, validationErrorFromZod } from './from-zod';
