import { type CxEvent, normalizeEvent, type Storage, withProfileId } from '@cx/core';

let counter = 0;

/** An event of `profileId` at `at`, stored form. */
export function event(
  profileId: string,
  at: number | string,
  name: string,
  properties: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): CxEvent {
  const timestamp = new Date(at).toISOString();
  const input =
    name === 'page'
      ? { type: 'page', properties }
      : name === 'identify'
        ? { type: 'identify', traits: properties }
        : { type: 'track', event: name, properties };
  const normalized = normalizeEvent(
    { ...input, userId: `u-${profileId}`, messageId: `m-${++counter}-${profileId}`, timestamp, ...extra },
    { receivedAt: Date.parse(timestamp) },
  );
  return withProfileId(normalized, profileId);
}

/** Appends events and checks none was refused. */
export async function append(
  storage: Storage,
  workspaceId: string,
  events: readonly CxEvent[],
): Promise<void> {
  const result = await storage.events.append(workspaceId, events);
  if (result.rejected.length > 0) throw new Error(`rejected: ${JSON.stringify(result.rejected)}`);
}

export const DAY = 86_400_000;
