import type { IdentityConfigInput } from '@cx/identity';

/** The flags of `cx serve` and `cx import` that configure identity resolution. */
export const IDENTITY_FLAGS = {
  'phone-region': { type: 'string' },
} as const;

/**
 * Identity configuration from `--phone-region` (or `CX_PHONE_REGION`): the region of phone
 * numbers written without a country code, such as `VN`. Without it only international numbers
 * ("+84 …") become identifiers. `createIdentity` refuses an unknown region with a `ConfigError`.
 */
export function identityConfigOf(
  values: { 'phone-region'?: string | undefined },
  env: Record<string, string | undefined>,
): IdentityConfigInput {
  const phoneRegion = values['phone-region'] ?? env.CX_PHONE_REGION;
  return phoneRegion === undefined || phoneRegion === '' ? {} : { phoneRegion };
}
