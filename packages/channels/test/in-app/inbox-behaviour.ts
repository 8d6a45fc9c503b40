import { isCxError, type ManualClock, type Storage } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { createInbox, type Inbox, type InboxMessage } from '../../src/adapters/in-app';
import type { OutboundMessage } from '../../src/contract/outbound-message';

/** An in-app message for `profileId` with the given id. */
export const inAppMessage = (
  id: string,
  profileId = 'p1',
  content: OutboundMessage['content'] = { title: `Title of ${id}`, text: `Text of ${id}` },
): OutboundMessage => ({
  id,
  channel: 'in-app',
  category: 'marketing',
  topic: 'promotions',
  to: { profileId },
  content,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** Every page of a listing, followed to the end. */
async function listAll(
  inbox: Inbox,
  profileId: string,
  status: 'unread' | 'read' | 'archived' | 'active' | 'all',
  limit = 100,
) {
  const items: InboxMessage[] = [];
  let cursor: string | null = null;
  do {
    const page = await inbox.list(profileId, { status, limit, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

const ids = (messages: InboxMessage[]) => messages.map((message) => message.id);

/**
 * The inbox's behaviour, run against one storage adapter. Each test gets its own workspace, so
 * no test sees another's messages.
 */
export function describeInbox(name: string, storage: () => Storage, clock: ManualClock): void {
  let workspaceSerial = 0;
  const fresh = () =>
    createInbox({ storage: storage(), workspaceId: `inbox-${name}-${++workspaceSerial}`, clock });
  const deliverMany = async (inbox: Inbox, messageIds: string[], profileId = 'p1') => {
    for (const id of messageIds) {
      await inbox.deliver(inAppMessage(id, profileId));
      clock.advance(1_000);
    }
  };

  describe(`inbox on ${name} storage`, () => {
    it('delivers a message unread, with its content, and counts it', async () => {
      const inbox = fresh();
      const { message, created } = await inbox.deliver(
        inAppMessage('welcome', 'p1', {
          title: 'Welcome',
          text: 'Your account is ready',
          html: '<p>Your account is ready</p>',
          url: 'https://app.example.com/start',
          icon: 'https://cdn.example.com/icon.png',
          data: { step: 1 },
        }),
      );
      expect(created).toBe(true);
      expect(message).toEqual({
        id: 'welcome',
        profileId: 'p1',
        title: 'Welcome',
        text: 'Your account is ready',
        html: '<p>Your account is ready</p>',
        url: 'https://app.example.com/start',
        icon: 'https://cdn.example.com/icon.png',
        data: { step: 1 },
        topic: 'promotions',
        category: 'marketing',
        status: 'unread',
        createdAt: new Date(clock.now()).toISOString(),
      });
      expect(await inbox.get('p1', 'welcome')).toEqual(message);
      expect(await inbox.unreadCount('p1')).toBe(1);
      expect(await inbox.unreadCount('nobody')).toBe(0);
    });

    it('is idempotent: a second delivery of the same id changes nothing', async () => {
      const inbox = fresh();
      const first = await inbox.deliver(inAppMessage('m1'));
      clock.advance(5_000);
      const again = await inbox.deliver(inAppMessage('m1', 'p1', { title: 'Changed', text: 'Changed' }));
      expect(again).toEqual({ message: first.message, created: false });
      await inbox.markRead('p1', ['m1']);
      const afterRead = await inbox.deliver(inAppMessage('m1'));
      expect(afterRead.message.status).toBe('read');
      expect(ids(await listAll(inbox, 'p1', 'all'))).toEqual(['m1']);
      expect(await inbox.unreadCount('p1')).toBe(0);
    });

    it('stores one message when the same id is delivered concurrently', async () => {
      const inbox = fresh();
      const results = await Promise.all([1, 2, 3, 4].map(() => inbox.deliver(inAppMessage('burst'))));
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(ids(await listAll(inbox, 'p1', 'all'))).toEqual(['burst']);
      expect(await inbox.unreadCount('p1')).toBe(1);
    });

    it('keeps every concurrent delivery to one profile, and counts each', async () => {
      const inbox = fresh();
      const messageIds = ['c1', 'c2', 'c3', 'c4', 'c5'];
      await Promise.all(messageIds.map((id) => inbox.deliver(inAppMessage(id))));
      expect(ids(await listAll(inbox, 'p1', 'all')).sort()).toEqual(messageIds);
      expect(await inbox.unreadCount('p1')).toBe(5);
    });

    it('lists newest first by delivery, whatever the ids sort as, and pages through all of them', async () => {
      const inbox = fresh();
      // Outbox ids are deterministic, not time-ordered: delivery order must win over id order.
      const delivered = Array.from(
        { length: 25 },
        (_, index) => `${String.fromCharCode(122 - index)}-${index}`,
      );
      await deliverMany(inbox, delivered);
      const newestFirst = [...delivered].reverse();

      const first = await inbox.list('p1');
      expect(ids(first.items)).toEqual(newestFirst.slice(0, 20));
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const page = await inbox.list('p1', { limit: 10, cursor });
        pages.push(ids(page.items));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
      expect(pages.flat()).toEqual(newestFirst);
      // An exact multiple of the page size ends without an empty page.
      const exact = await inbox.list('p1', { limit: 25 });
      expect(exact.items).toHaveLength(25);
      expect(exact.nextCursor).toBeNull();
    });

    it('keeps its place while new messages arrive between pages', async () => {
      const inbox = fresh();
      await deliverMany(inbox, ['a', 'b', 'c', 'd']);
      const first = await inbox.list('p1', { limit: 2 });
      expect(ids(first.items)).toEqual(['d', 'c']);
      await deliverMany(inbox, ['e', 'f']);
      const second = await inbox.list('p1', { limit: 2, cursor: first.nextCursor });
      expect(ids(second.items)).toEqual(['b', 'a']);
      expect(second.nextCursor).toBeNull();
      expect(ids((await inbox.list('p1', { limit: 2 })).items)).toEqual(['f', 'e']);
    });

    it('filters by status, and pages through a filtered listing', async () => {
      const inbox = fresh();
      await deliverMany(inbox, ['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
      await inbox.markRead('p1', ['m2', 'm4']);
      await inbox.archive('p1', ['m4', 'm5']);
      expect(ids(await listAll(inbox, 'p1', 'unread'))).toEqual(['m6', 'm3', 'm1']);
      expect(ids(await listAll(inbox, 'p1', 'read'))).toEqual(['m2']);
      expect(ids(await listAll(inbox, 'p1', 'archived'))).toEqual(['m5', 'm4']);
      expect(ids(await listAll(inbox, 'p1', 'active'))).toEqual(['m6', 'm3', 'm2', 'm1']);
      expect(ids((await inbox.list('p1')).items)).toEqual(['m6', 'm3', 'm2', 'm1']);
      expect(ids(await listAll(inbox, 'p1', 'all'))).toEqual(['m6', 'm5', 'm4', 'm3', 'm2', 'm1']);
      expect(ids(await listAll(inbox, 'p1', 'unread', 1))).toEqual(['m6', 'm3', 'm1']);
      expect(ids(await listAll(inbox, 'p1', 'archived', 1))).toEqual(['m5', 'm4']);
      expect(await inbox.unreadCount('p1')).toBe(3);
    });

    it('marks read, unread and archived, with times, and keeps the unread count', async () => {
      const inbox = fresh();
      await deliverMany(inbox, ['m1', 'm2', 'm3']);
      const readAt = new Date(clock.now()).toISOString();
      expect(await inbox.markRead('p1', ['m1', 'm2', 'm1'])).toEqual({ changed: 2, unreadCount: 1 });
      expect(await inbox.get('p1', 'm1')).toMatchObject({ status: 'read', readAt });
      // Already read: nothing changes, nothing is counted.
      expect(await inbox.markRead('p1', ['m1'])).toEqual({ changed: 0, unreadCount: 1 });

      clock.advance(60_000);
      const archivedAt = new Date(clock.now()).toISOString();
      expect(await inbox.archive('p1', ['m1', 'm3'])).toEqual({ changed: 2, unreadCount: 0 });
      expect(await inbox.get('p1', 'm1')).toMatchObject({ status: 'archived', readAt, archivedAt });
      expect(await inbox.get('p1', 'm3')).toMatchObject({ status: 'archived', archivedAt });
      // Marking an archived message read leaves it archived.
      expect(await inbox.markRead('p1', ['m3'])).toEqual({ changed: 0, unreadCount: 0 });

      expect(await inbox.markUnread('p1', ['m1', 'm2'])).toEqual({ changed: 2, unreadCount: 2 });
      const m1 = await inbox.get('p1', 'm1');
      expect(m1.status).toBe('unread');
      expect(m1.readAt).toBeUndefined();
      expect(m1.archivedAt).toBeUndefined();
      expect(await inbox.unreadCount('p1')).toBe(2);
      expect(ids(await listAll(inbox, 'p1', 'unread')).sort()).toEqual(['m1', 'm2']);
    });

    it('marks everything read, past one batch, but not what arrives later', async () => {
      const inbox = fresh();
      const messageIds = Array.from({ length: 130 }, (_, index) => `bulk-${index}`);
      for (const id of messageIds) await inbox.deliver(inAppMessage(id));
      await inbox.archive('p1', ['bulk-0']);
      await inbox.markRead('p1', ['bulk-1']);
      expect(await inbox.markAllRead('p1')).toEqual({ changed: 128, unreadCount: 0 });
      expect(await listAll(inbox, 'p1', 'unread')).toEqual([]);
      expect((await inbox.get('p1', 'bulk-0')).status).toBe('archived');
      expect(await inbox.markAllRead('p1')).toEqual({ changed: 0, unreadCount: 0 });
      await inbox.deliver(inAppMessage('later'));
      expect(await inbox.unreadCount('p1')).toBe(1);
    });

    it('keeps the count right under concurrent status changes', async () => {
      const inbox = fresh();
      await deliverMany(inbox, ['m1', 'm2', 'm3', 'm4']);
      await Promise.all([
        inbox.markRead('p1', ['m1', 'm2']),
        inbox.archive('p1', ['m2', 'm3']),
        inbox.markUnread('p1', ['m1']),
        inbox.markRead('p1', ['m4']),
        inbox.deliver(inAppMessage('m5')),
        inbox.markAllRead('p1'),
      ]);
      const unread = (await listAll(inbox, 'p1', 'all')).filter((message) => message.status === 'unread');
      expect(await inbox.unreadCount('p1')).toBe(unread.length);
    });

    it("never shows or changes another profile's message", async () => {
      const inbox = fresh();
      await inbox.deliver(inAppMessage('secret-of-a', 'a'));
      await inbox.deliver(inAppMessage('of-a-slash-e', 'a/e'));
      for (const attempt of [
        inbox.get('b', 'secret-of-a'),
        inbox.markRead('b', ['secret-of-a']),
        inbox.markUnread('b', ['secret-of-a']),
        inbox.archive('b', ['secret-of-a']),
        inbox.get('a', 'of-a-slash-e'),
      ]) {
        expect(isCxError(await rejection(attempt), 'NOT_FOUND')).toBe(true);
      }
      expect(await inbox.list('b', { status: 'all' })).toEqual({ items: [], nextCursor: null });
      expect(await inbox.markAllRead('b')).toEqual({ changed: 0, unreadCount: 0 });
      // Profile "a" and profile "a/e" share no keys, however the ids are spelled.
      expect(ids(await listAll(inbox, 'a', 'all'))).toEqual(['secret-of-a']);
      expect(ids(await listAll(inbox, 'a/e', 'all'))).toEqual(['of-a-slash-e']);
      expect((await inbox.get('a', 'secret-of-a')).status).toBe('unread');
      expect(await inbox.unreadCount('a')).toBe(1);

      // A cursor from one profile's listing does not page another's.
      await inbox.deliver(inAppMessage('second-of-a', 'a'));
      const page = await inbox.list('a', { limit: 1 });
      expect(isCxError(await rejection(inbox.list('b', { cursor: page.nextCursor })), 'VALIDATION')).toBe(
        true,
      );
    });

    it('keeps workspaces apart', async () => {
      const one = fresh();
      const two = fresh();
      await one.deliver(inAppMessage('m1'));
      expect(await two.unreadCount('p1')).toBe(0);
      expect(isCxError(await rejection(two.get('p1', 'm1')), 'NOT_FOUND')).toBe(true);
    });

    it('takes ids and profile ids of any spelling, up to their limits', async () => {
      const inbox = fresh();
      const longId = `${'/%~'.repeat(85)}x`;
      const longProfile = '/'.repeat(512);
      await inbox.deliver(inAppMessage(longId, longProfile));
      await inbox.deliver(inAppMessage('~plain', longProfile));
      expect((await inbox.get(longProfile, longId)).id).toBe(longId);
      expect(await inbox.markRead(longProfile, [longId, '~plain'])).toEqual({ changed: 2, unreadCount: 0 });
      expect(ids(await listAll(inbox, longProfile, 'all'))).toEqual(['~plain', longId]);
    });

    it('refuses bad input with a ValidationError and changes nothing', async () => {
      const inbox = fresh();
      await deliverMany(inbox, ['m1', 'm2']);
      const before = await listAll(inbox, 'p1', 'all');
      const attempts: Promise<unknown>[] = [
        inbox.deliver(inAppMessage('no-content', 'p1', {})),
        inbox.deliver(inAppMessage('only-html', 'p1', { html: '<p>hi</p>' })),
        inbox.deliver({ ...inAppMessage('bad-url', 'p1'), content: { title: 'x', url: 'not a url' } }),
        inbox.deliver({ ...inAppMessage('', 'p1') }),
        inbox.deliver(inAppMessage('no-profile', '')),
        inbox.markRead('p1', []),
        inbox.markRead('p1', [42 as unknown as string]),
        inbox.markRead(
          'p1',
          Array.from({ length: 101 }, (_, index) => `m${index}`),
        ),
        inbox.markRead('', ['m1']),
        inbox.archive('p1', 'm1' as unknown as string[]),
        inbox.get('p1', ''),
        inbox.list('p1', { limit: 0 }),
        inbox.list('p1', { limit: 101 }),
        inbox.list('p1', { status: 'deleted' as never }),
        inbox.list('p1', { cursor: 'not-a-cursor' }),
        inbox.list('p1', { sort: 'oldest' } as never),
        inbox.unreadCount(''),
      ];
      for (const attempt of attempts) {
        expect(isCxError(await rejection(attempt), 'VALIDATION')).toBe(true);
      }
      // An unknown id among known ones: NOT_FOUND, and the known ones are left unread.
      expect(isCxError(await rejection(inbox.markRead('p1', ['m1', 'missing'])), 'NOT_FOUND')).toBe(true);
      expect(isCxError(await rejection(inbox.get('p1', 'missing')), 'NOT_FOUND')).toBe(true);
      expect(await listAll(inbox, 'p1', 'all')).toEqual(before);
      expect(await inbox.unreadCount('p1')).toBe(2);
    });
  });
}
