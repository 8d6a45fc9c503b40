import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sqliteStorage } from '@cx/storage-sqlite';

const storage = sqliteStorage({ filename: path.join(mkdtempSync(path.join(tmpdir(), 'p-')), 'x.db') });
const t = { s: 0, c: 0, d: 0 };
for (let b = 0; b < 400; b++) {
  const batch = Array.from({ length: 500 }, (_, i) => ({ queue: 'q', key: `k${b}-${i}`, payload: { n: i } }));
  let t0 = performance.now();
  await storage.work.schedule('ws', batch);
  t.s += performance.now() - t0;
  t0 = performance.now();
  const claimed = await storage.work.claim('ws', 'q', { limit: 500, leaseMs: 60000, owner: 'o' });
  t.c += performance.now() - t0;
  t0 = performance.now();
  await storage.commit('ws', { complete: claimed });
  t.d += performance.now() - t0;
}
console.log(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v / 400])));
