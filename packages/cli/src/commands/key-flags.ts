import { ConfigError } from '@cx/core';
import type { KeyInput, WorkspaceKeys } from '@cx/server';

/** The key flags of `cx serve`; each may be repeated, so a rotated key and its successor both work. */
export const KEY_FLAGS = {
  'write-key': { type: 'string', multiple: true },
  'read-key': { type: 'string', multiple: true },
  'admin-key': { type: 'string', multiple: true },
} as const;

type KeyFlagValues = { [flag in keyof typeof KEY_FLAGS]?: string[] | undefined };

const SCOPES = [
  { flag: 'write-key', env: 'CX_WRITE_KEY', field: 'writeKey', noun: 'write key' },
  { flag: 'read-key', env: 'CX_READ_KEY', field: 'readKey', noun: 'read key' },
  { flag: 'admin-key', env: 'CX_ADMIN_KEY', field: 'adminKey', noun: 'admin key' },
] as const;

/** `sha256:<64 hex>` names a key by its digest; anything else is the key itself. */
function keyInput(text: string): KeyInput {
  const hashed = /^sha256:(.*)$/i.exec(text);
  return hashed === null ? text : { sha256: hashed[1]! };
}

/**
 * The keys of one workspace from the flags, or else from `CX_WRITE_KEY`, `CX_READ_KEY` and
 * `CX_ADMIN_KEY` (comma-separated for several). A write key is required: `cx serve` collects.
 */
export function workspaceKeysOf(
  values: KeyFlagValues,
  env: Record<string, string | undefined>,
  workspaceId: string,
): WorkspaceKeys {
  const keys: WorkspaceKeys = { workspaceId };
  for (const scope of SCOPES) {
    const given = values[scope.flag] ?? env[scope.env]?.split(',') ?? [];
    const texts = given.map((text) => text.trim()).filter((text) => text !== '');
    if (texts.length > 0) keys[scope.field] = texts.map(keyInput);
  }
  if (keys.writeKey === undefined) throw new ConfigError('--write-key (or CX_WRITE_KEY) is required');
  return keys;
}

const count = (keys: WorkspaceKeys['writeKey'], noun: string) => {
  const n = keys === undefined ? 0 : Array.isArray(keys) ? keys.length : 1;
  return n === 0 ? undefined : `${n} ${noun}${n === 1 ? '' : 's'}`;
};

/** The start-up lines that say which APIs are open, and to which keys. */
export function describeAccess(keys: WorkspaceKeys): string[] {
  const write = count(keys.writeKey, 'write key');
  const read = count(keys.readKey, 'read key');
  const admin = count(keys.adminKey, 'admin key');
  const readers = [read, admin].filter((part) => part !== undefined).join(' and ');
  return [
    `collection (POST /v1/track, /v1/batch, ...) open to ${write}`,
    readers === ''
      ? 'Profile API closed: give --read-key or --admin-key to open it'
      : `Profile API reads open to ${readers}`,
    admin === undefined
      ? 'profile deletes and the work queue API closed: give --admin-key to open them'
      : `profile deletes and the work queue API open to ${admin}`,
  ];
}
