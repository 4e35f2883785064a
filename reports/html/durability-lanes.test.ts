import { describe, expect, it } from 'vitest';
import type { PartitionLane } from '../history/log-lanes.ts';
import { durabilityLane } from './durability-lanes.ts';

const lane = (partition: string, process: string): PartitionLane => ({
  partition,
  offsets: [0],
  summary: [{ states: ['acked', 'lost'], witness: true }],
  rows: [
    {
      id: 'acked',
      label: 'acknowledged',
      cells: [{ states: ['acked', 'lost'], records: [{ key: null, value: 'v', index: 9, time: 1, process }] }],
    },
  ],
  omittedWitnessOffsets: 0,
  omittedConsumers: 0,
  finalRead: true,
});

describe('durabilityLane', () => {
  const run = {
    id: 'run-1',
    anomalies: [
      {
        checker: 'lost-write',
        lanes: [
          lane('durability-1-kill/0', 'durability-1-acks=1'),
          lane('durability-2-pause/1', 'durability-2-acks=all'),
        ],
      },
    ],
  } as never;

  it("finds the lane of the cell's fault topic written by the cell's acks level", () => {
    expect(durabilityLane(run, { level: 'acks=1', levelLabel: 'acks=1', fault: 'kill' })).toBe(
      'run-1-lost-write-lane-0',
    );
    expect(durabilityLane(run, { level: 'acks=all', levelLabel: 'acks=all', fault: 'pause' })).toBe(
      'run-1-lost-write-lane-1',
    );
  });

  it('finds none for a cell no anomaly drew', () => {
    expect(durabilityLane(run, { level: 'acks=1', levelLabel: 'acks=1', fault: 'pause' })).toBeUndefined();
    expect(durabilityLane(run, { level: 'acks=0', levelLabel: 'acks=0', fault: 'kill' })).toBeUndefined();
  });
});
