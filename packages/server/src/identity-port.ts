import type { Identity } from '@cx/identity';

/**
 * The part of `@cx/identity`'s {@link Identity} the HTTP layer calls. Pass the object
 * `createIdentity()` returns; the narrow type only says which calls the server makes.
 */
export type CollectorIdentity = Pick<
  Identity,
  'ingest' | 'getProfile' | 'listProfileEvents' | 'deletePerson'
>;
