import type { CommitResult, CxEvent } from '@cx/core';
import type { IdentityRuntime } from '../runtime';
import type { GraphSession } from './graph-session';

/**
 * Commits a session's staged writes, with `events` (a batch's events and identity's own) when
 * given: one all-or-nothing step in every adapter. Events must all be new, so nothing derived
 * from an event is written unless the event is.
 */
export function commitSession(session: GraphSession, events: readonly CxEvent[] = []): Promise<CommitResult> {
  const { profiles, documents } = session.commitInput();
  const ownEvents = session.events.map((own) => own.event);
  const all = events.length === 0 ? ownEvents : events;
  return session.runtime.storage.commit(session.workspaceId, {
    profiles,
    documents,
    ...(all.length === 0 ? {} : { events: all, eventsMustBeNew: true }),
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
