import { UnauthorizedError } from '@cx/core';
import type { KeyEntry, KeyRing, KeyScope } from './key-ring';

/** What a route needs: the scopes that open it, and how to name them in a refusal. */
export interface Permission {
  scopes: readonly KeyScope[];
  /** Completes "This key cannot …", such as `read profiles`. */
  action: string;
}

/** Sending events: write keys only, so a leaked read or admin key is never a source. */
export const COLLECT: Permission = { scopes: ['write'], action: 'send events' };
/** Reading the Profile API. */
export const READ_PROFILES: Permission = { scopes: ['read', 'admin'], action: 'read profiles' };
/** Deleting (and suppressing) people. */
export const DELETE_PROFILES: Permission = { scopes: ['admin'], action: 'delete profiles' };
/** The management endpoints (the work queue's operator API). */
export const MANAGE: Permission = { scopes: ['admin'], action: 'manage the workspace' };
/** Reading segments, memberships, previews and explanations. */
export const READ_SEGMENTS: Permission = { scopes: ['read', 'admin'], action: 'read segments' };
/** Saving and removing segment definitions. */
export const MANAGE_SEGMENTS: Permission = { scopes: ['admin'], action: 'manage segments' };
/** Reading messages, the outbox and contact summaries, and previewing templates. */
export const READ_CHANNELS: Permission = { scopes: ['read', 'admin'], action: 'read messages' };
/** Acting on messages: retrying a failed one. */
export const MANAGE_CHANNELS: Permission = { scopes: ['admin'], action: 'manage messages' };

/**
 * The configured key `key` names, if its scope grants `permission`; otherwise an
 * `UnauthorizedError` (401) that says which kind of key the route wants. A key of another scope
 * is refused exactly like an unknown one, so the public write key opens nothing but collection.
 */
export function authorize(ring: KeyRing, key: string | undefined, permission: Permission): KeyEntry {
  const scopes = permission.scopes.join(' or ');
  const wanted = `${/^[aeiou]/.test(scopes) ? 'an' : 'a'} ${scopes}`;
  if (key === undefined)
    throw new UnauthorizedError(
      `${wanted[0]!.toUpperCase()}${wanted.slice(1)} key is required to ${permission.action}`,
    );
  const entry = ring.find(key);
  if (entry === undefined) throw new UnauthorizedError(`Unknown key: ${wanted} key is required`);
  if (!permission.scopes.includes(entry.scope)) {
    throw new UnauthorizedError(
      `This ${entry.scope} key cannot ${permission.action}: ${wanted} key is required`,
    );
  }
  return entry;
}
