import { isCxError, ManualClock, memoryStorage } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { createInbox, inAppChannel } from '../../src/adapters/in-app';
import { ProviderRejectedError, ProviderUnavailableError } from '../../src/errors/delivery-errors';
import { failingStorage } from './failing-storage';
import { inAppMessage } from './inbox-behaviour';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

const setup = () => {
  const clock = new ManualClock('2026-03-01T08:00:00Z');
  const storage = failingStorage(memoryStorage({ clock }));
  const inbox = createInbox({ storage: storage.storage, workspaceId: 'acme', clock });
  return { storage, inbox, channel: inAppChannel({ inbox }) };
};

describe('inAppChannel', () => {
  it('delivers into the inbox: delivered, with the message id as the provider id', async () => {
    const { inbox, channel } = setup();
    expect(channel).toMatchObject({ id: 'in-app', channel: 'in-app', idempotent: true });
    expect(await channel.send(inAppMessage('m1'))).toEqual({ providerMessageId: 'm1', status: 'delivered' });
    expect(await channel.send(inAppMessage('m1'))).toEqual({ providerMessageId: 'm1', status: 'delivered' });
    expect((await inbox.list('p1')).items.map((message) => message.id)).toEqual(['m1']);
    expect(await inbox.unreadCount('p1')).toBe(1);
  });

  it('takes a title alone or a text alone, and an id of its own', async () => {
    const { inbox } = setup();
    const channel = inAppChannel({ inbox, id: 'onsite' });
    expect(channel.id).toBe('onsite');
    await channel.send(inAppMessage('t', 'p1', { title: 'Only a title' }));
    await channel.send(inAppMessage('x', 'p1', { text: 'Only a text' }));
    expect((await inbox.get('p1', 't')).text).toBe('');
    expect((await inbox.get('p1', 'x')).title).toBe('');
  });

  it('refuses, before writing, a message without title or text, or for another channel', async () => {
    const { inbox, channel } = setup();
    for (const message of [
      inAppMessage('empty', 'p1', { html: '<p>only html</p>' }),
      { ...inAppMessage('push'), channel: 'web-push' as const },
    ]) {
      expect(isCxError(await rejection(channel.send(message)), 'VALIDATION')).toBe(true);
    }
    expect(await inbox.list('p1', { status: 'all' })).toEqual({ items: [], nextCursor: null });
  });

  it('a storage outage is retryable (ProviderUnavailableError); the retry delivers', async () => {
    const { storage, inbox, channel } = setup();
    storage.failNext('unavailable');
    const error = await rejection(channel.send(inAppMessage('m1')));
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(isCxError((error as Error).cause, 'ADAPTER')).toBe(true);
    expect(await inbox.unreadCount('p1')).toBe(0);
    await channel.send(inAppMessage('m1'));
    expect(await inbox.unreadCount('p1')).toBe(1);
  });

  it.each(['rejected', 'limit'] as const)(
    'a storage refusal (%s) is not retryable (ProviderRejectedError)',
    async (kind) => {
      const { storage, inbox, channel } = setup();
      storage.failNext(kind);
      const error = await rejection(channel.send(inAppMessage('m1')));
      expect(error).toBeInstanceOf(ProviderRejectedError);
      expect(await inbox.unreadCount('p1')).toBe(0);
    },
  );
});

describe('createInbox options', () => {
  it.each([
    ['no storage', { workspaceId: 'acme' }],
    ['a storage without documents', { storage: {}, workspaceId: 'acme' }],
    ['a bad workspace id', { storage: memoryStorage(), workspaceId: 'not a workspace!' }],
    ['a clock without now()', { storage: memoryStorage(), workspaceId: 'acme', clock: {} }],
    ['an unknown option', { storage: memoryStorage(), workspaceId: 'acme', retention: 30 }],
  ])('refuses %s with a ConfigError', (_name, options) => {
    let error: unknown;
    try {
      createInbox(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(isCxError(error, 'CONFIG')).toBe(true);
  });
});
