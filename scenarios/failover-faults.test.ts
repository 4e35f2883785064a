import { describe, expect, it } from 'vitest';
import { drawFailoverSchedule, FAILOVER_FAULTS, faultKindsFor, SESSION_TIMEOUT_MS } from './failover-faults.ts';

describe('failover fault schedules', () => {
  it('map --faults families to failover faults', () => {
    expect(faultKindsFor(['kill'])).toEqual(['kill-leader', 'kill-controller']);
    expect(faultKindsFor(['pause', 'partition'])).toEqual(['pause-leader', 'isolate-leader', 'cut-client']);
    expect(faultKindsFor(['restart'])).toEqual(['rolling-restart']);
    expect(faultKindsFor(['rolling-restart'])).toEqual(['rolling-restart']);
    expect(faultKindsFor(['kill', 'pause', 'partition', 'restart', 'replication'])).toEqual([...FAILOVER_FAULTS]);
    expect(faultKindsFor(['replication'])).toEqual(['stall-followers', 'lagging-follower', 'divergent-rejoin']);
    expect(faultKindsFor([])).toEqual([]);
  });
  it('are repeatable from the seed, and hold a pause or an isolated leader past the session timeout', () => {
    const a = drawFailoverSchedule(9, FAILOVER_FAULTS, 3, 40);
    expect(drawFailoverSchedule(9, FAILOVER_FAULTS, 3, 40)).toEqual(a);
    expect(a).toHaveLength(40);
    expect(new Set(a.map((s) => s.kind))).toEqual(new Set(FAILOVER_FAULTS));
    for (const s of a) {
      expect(s.partition).toBeGreaterThanOrEqual(0);
      expect(s.partition).toBeLessThan(3);
      if (s.kind === 'pause-leader' || s.kind === 'isolate-leader')
        expect(s.holdMs).toBeGreaterThan(SESSION_TIMEOUT_MS);
    }
    // holds spread over their ranges instead of sticking to the ends
    const kills = a.filter((s) => s.kind === 'kill-leader' || s.kind === 'kill-controller').map((s) => s.holdMs);
    expect(kills.some((h) => h > 1_000 && h < 4_000)).toBe(true);
    expect(drawFailoverSchedule(9, [], 3, 4)).toEqual([]);
  });
});
