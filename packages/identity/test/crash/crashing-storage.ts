import type { Storage } from '@cx/core';

/** The storage calls that write, by port. */
const WRITES = {
  events: ['append', 'deleteByProfile'],
  profiles: [
    'create',
    'createMany',
    'addIdentifiers',
    'removeIdentifiers',
    'patchTraits',
    'merge',
    'mergeMany',
    'unmerge',
    'delete',
  ],
  documents: ['put', 'putMany', 'delete'],
} as const;

/** Where to kill the process: just before, or just after, its n-th write (counting from 1). */
export interface CrashPoint {
  write: number;
  when: 'before' | 'after';
}

/**
 * The storage with every write counted, and the process killed with SIGKILL at `crash`: as a
 * power cut or an OOM kill would, with no chance to clean up. Each write made is announced on
 * stdout (`write <n> <name>`), so the test learns how many points there are to crash at.
 */
export function crashingStorage(storage: Storage, crash: CrashPoint | undefined): Storage {
  let count = 0;
  const wrap = <F extends (...args: never[]) => Promise<unknown>>(name: string, call: F): F =>
    (async (...args: Parameters<F>) => {
      count += 1;
      const n = count;
      if (crash?.write === n && crash.when === 'before') process.kill(process.pid, 'SIGKILL');
      const result = await call(...args);
      process.stdout.write(`write ${n} ${name}\n`);
      if (crash?.write === n && crash.when === 'after') process.kill(process.pid, 'SIGKILL');
      return result;
    }) as F;
  const port = <P extends object>(target: P, portName: string, names: readonly string[]): P => {
    const out = { ...target } as Record<string, unknown>;
    for (const name of names) {
      const method = (target as Record<string, unknown>)[name] as (...args: never[]) => Promise<unknown>;
      out[name] = wrap(`${portName}.${name}`, method.bind(target));
    }
    return out as P;
  };
  return {
    ...storage,
    events: port(storage.events, 'events', WRITES.events),
    profiles: port(storage.profiles, 'profiles', WRITES.profiles),
    documents: port(storage.documents, 'documents', WRITES.documents),
    commit: wrap('commit', storage.commit.bind(storage)),
  };
}
