import { describe, expect, it } from 'vitest';
import { randomClusterId, startKafkaNode } from './kafka-process.ts';

describe('randomClusterId', () => {
  it('looks like StorageTool random-uuid output: 22 URL-safe base64 chars, never a leading dash', () => {
    const ids = Array.from({ length: 2_000 }, randomClusterId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('startKafkaNode option checks', () => {
  it('refuses KRaft on 2.x and ZooKeeper on 4.x before starting anything', async () => {
    await expect(startKafkaNode({ version: '2.7.0', mode: 'kraft' })).rejects.toThrow(/no production KRaft/);
    await expect(startKafkaNode({ version: '4.4.0', mode: 'zookeeper' })).rejects.toThrow(/no ZooKeeper mode/);
  });
});
