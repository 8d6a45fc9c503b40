import { AdapterError, LimitError, type Storage, ValidationError } from '@cx/core';

/** How the wrapped storage fails its next write. */
export type StorageFailure = 'unavailable' | 'rejected' | 'limit';

const failureFor = (kind: StorageFailure, name: string, op: string): Error => {
  switch (kind) {
    case 'unavailable':
      return new AdapterError({ adapter: name, op, message: 'injected outage: the database is down' });
    case 'rejected':
      return new ValidationError('Invalid document: injected refusal', [
        { path: 'value', message: 'injected refusal', code: 'custom' },
      ]);
    case 'limit':
      return new LimitError('Document too large: injected', 1_000, 2_000);
  }
};

/**
 * A storage whose next write (`documents.put`, `putMany`, `delete` or `commit`) throws the error a
 * real adapter would: an `AdapterError` for an outage, a `ValidationError` or `LimitError` for a
 * document it refuses. Reads pass through, so the inbox gets as far as writing.
 */
export function failingStorage(storage: Storage): { storage: Storage; failNext(kind: StorageFailure): void } {
  const pending: StorageFailure[] = [];
  const guard = <T>(op: string, write: () => Promise<T>): Promise<T> => {
    const kind = pending.shift();
    return kind ? Promise.reject(failureFor(kind, storage.name, op)) : write();
  };
  const documents = storage.documents;
  const wrapped: Storage = {
    name: storage.name,
    capabilities: storage.capabilities,
    events: storage.events,
    profiles: storage.profiles,
    leases: storage.leases,
    work: storage.work,
    documents: {
      get: (...args) => documents.get(...args),
      getMany: (...args) => documents.getMany(...args),
      list: (...args) => documents.list(...args),
      put: (...args) => guard('documents.put', () => documents.put(...args)),
      putMany: (...args) => guard('documents.putMany', () => documents.putMany(...args)),
      delete: (...args) => guard('documents.delete', () => documents.delete(...args)),
    } as Storage['documents'],
    commit: (...args) => guard('commit', () => storage.commit(...args)),
    close: () => storage.close(),
  };
  return { storage: wrapped, failNext: (kind) => pending.push(kind) };
}
