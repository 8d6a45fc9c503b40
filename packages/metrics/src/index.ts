/**
 * `@cx/metrics`: customer-experience metrics computed in-process and in SQL, with the
 * uncertainty next to every score: NPS, CSAT and CES with intervals and breakdowns; sessions,
 * conversion and bounce; funnels (streaming and SQL, proven equal); retention; and customer
 * lifetime value (historical, BG/NBD, Gamma-Gamma).
 *
 * @packageDocumentation
 */

export * from './clv';
export { type CanonicalProfiles, type PersonKey, personKeySchema } from './events/person-key';
export {
  createProfileResolver,
  ProfileResolver,
  type ProfileResolverOptions,
  profileResolverOptionsSchema,
} from './events/profile-resolver';
export * from './funnels';
export * from './reports';
export * from './retention';
export * from './surveys';
export * from './web';
