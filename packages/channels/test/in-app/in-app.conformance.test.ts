import { memoryStorage } from '@cx/core';
import { createInbox, inAppChannel } from '../../src/adapters/in-app';
import { runChannelConformance } from '../../src/testing';
import { failingStorage } from './failing-storage';
import { inAppMessage } from './inbox-behaviour';

const profileId = 'conf-profile';

runChannelConformance({
  name: 'in-app',
  open() {
    const storage = failingStorage(memoryStorage());
    const inbox = createInbox({ storage: storage.storage, workspaceId: 'conformance' });
    return {
      adapter: inAppChannel({ inbox }),
      message: (id) => inAppMessage(id, profileId),
      // The "provider" is the inbox: what it holds is what was delivered, once per message.
      async delivered() {
        const ids: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await inbox.list(profileId, { status: 'all', limit: 100, cursor });
          ids.push(...page.items.map((message) => message.id));
          cursor = page.nextCursor;
        } while (cursor !== null);
        return ids;
      },
      failNext: (failure) => storage.failNext(failure),
      close: () => storage.storage.close(),
    };
  },
});
