import type { CxEvent } from '@cx/core';
import type { IdentityRuntime } from '../runtime';
import type { GraphSession } from './graph-session';

/**
 * Commits a session's staged writes with its events (`events` when given: a batch's events with
 * identity's own in place; otherwise the session's own events): one all-or-nothing step in every
 * adapter, or nothing when there is nothing to write. By default the events must all be new, so
 * nothing derived from an event is written unless the event is.
 */
export async function commitSession(
  session: GraphSession,
  { events, eventsMustBeNew = true }: { events?: readonly CxEvent[]; eventsMustBeNew?: boolean } = {},
): Promise<void> {
  const { profiles, documents } = session.commitInput();
  const all = events ?? session.events.map((own) => own.event);
  if (profiles.length === 0 && documents.length === 0 && all.length === 0) return;
  await session.runtime.storage.commit(session.workspaceId, {
    profiles,
    documents,
    ...(all.length === 0 ? {} : { events: all, eventsMustBeNew }),
  });
}

/**
 * Runs `publish` after the current call has returned (a `setImmediate`), after every earlier
 * notification of this identity: bus subscribers never run inside the operation that caused
 * them. A subscriber's failure is reported as a process warning, never to the caller.
 */
export function notifyLater(runtime: IdentityRuntime, publish: () => Promise<void>): void {
  runtime.notifications = runtime.notifications.then(
    () =>
      new Promise<void>((resolve) => {
        setImmediate(() => {
          publish()
            .catch((error: unknown) => {
              process.emitWarning(
                `A subscriber of an identity notification failed: ${error instanceof Error ? error.message : String(error)}`,
                { code: 'CX_IDENTITY_NOTIFY' },
              );
            })
            .finally(resolve);
        });
      }),
  );
}
