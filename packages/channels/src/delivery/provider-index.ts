/** Maps a provider's message id back to cx's message, for webhooks that know only theirs. */
export const PROVIDER_INDEX_COLLECTION = 'channels.provider-ids';

/** The index key of a provider's message id. */
export const providerIndexKey = (adapterId: string, providerMessageId: string) =>
  `${adapterId}:${providerMessageId}`;

/** The document write that indexes a sent message under its provider's id. */
export function providerIndexWrite(adapterId: string, providerMessageId: string, messageId: string) {
  return {
    collection: PROVIDER_INDEX_COLLECTION,
    key: providerIndexKey(adapterId, providerMessageId),
    value: { messageId },
  };
}
