import { memoryStorage } from '@cx/core';
import { sqliteStorage } from '@cx/storage-sqlite';
import { describe, expect, it } from 'vitest';
import { type JourneyMap, measureJourneyMap } from '../../src/maps';
import { FROM, shopMap, shopTraffic, TO, WORKSPACE } from './shop-fixture';

// Every stage one event with filters metrics can express, so SQL storage runs it as one statement.
const simple: JourneyMap = {
  id: 'simple',
  name: 'Simple',
  stages: [
    shopMap.stages[0]!,
    shopMap.stages[1]!,
    shopMap.stages[3]!,
    shopMap.stages[4]!,
    shopMap.stages[5]!,
  ],
};

describe('measureJourneyMap on SQL storage', () => {
  it('runs a direct map in SQLite and counts what streaming counts', async () => {
    const traffic = shopTraffic(4242, 300);
    const sqlite = sqliteStorage();
    const memory = memoryStorage();
    try {
      await sqlite.events.append(WORKSPACE, traffic.events);
      await memory.events.append(WORKSPACE, traffic.events);
      const options = { workspaceId: WORKSPACE, from: FROM, to: TO };
      const inSql = await measureJourneyMap(simple, { storage: sqlite, ...options });
      const streamed = await measureJourneyMap(simple, { storage: memory, ...options });
      const forced = await measureJourneyMap(simple, { storage: sqlite, via: 'stream', ...options });
      expect([inSql.engine, streamed.engine, forced.engine]).toEqual(['sql', 'stream', 'stream']);
      expect(inSql.stages).toEqual(streamed.stages);
      expect(forced.stages).toEqual(streamed.stages);
      expect(inSql.stages.map((stage) => stage.reached)).toEqual([
        traffic.reached[0],
        traffic.reached[1],
        traffic.reached[3],
        traffic.reached[4],
        traffic.reached[5],
      ]);
    } finally {
      await sqlite.close?.();
    }
  });
});
