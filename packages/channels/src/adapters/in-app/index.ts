/**
 * `@cx/channels/in-app`: the onsite inbox (`createInbox`) and the `in-app` channel that delivers
 * into it (`inAppChannel`).
 *
 * @packageDocumentation
 */
export { createInbox } from './create-inbox';
export { type InAppChannelOptions, inAppChannel } from './in-app-channel';
export type {
  Inbox,
  InboxChange,
  InboxDelivery,
  InboxListOptions,
  InboxMessage,
  InboxOptions,
  InboxStatus,
  InboxStatusFilter,
} from './inbox-types';
