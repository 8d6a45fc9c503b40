import { ManualClock, memoryStorage } from '@cx/core';
import { describeInbox } from './inbox-behaviour';

const clock = new ManualClock('2026-03-01T08:00:00Z');
const storage = memoryStorage({ clock });

describeInbox('memory', () => storage, clock);
