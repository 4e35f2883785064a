/**
 * Fault windows of a history, for telling differences a fault made from differences in how the
 * targets behave (issue 5): a window runs from a fault's invocation (nemesis op) to its heal's
 * completion plus a grace period, the time a cluster needs to settle after it. Pure.
 */
import type { Op } from '../../harness/history/history.ts';
import { NEMESIS } from '../../harness/nemesis/nemesis.ts';
import { FINAL_READ, REPLAY_READ } from '../../harness/history/ops.ts';

/** How long after a heal completed ops still count as "right after" the fault. */
export const SETTLE_GRACE_MS = 5_000;

/** What each nemesis op does to the cluster's health. */
const FAULTS = new Set(['kill', 'pause', 'partition', 'cut-client']);
const HEALS = new Set(['restart', 'resume', 'heal-network', 'heal-all']);

/** [from, to] times (ms, history clock) during which a fault was in effect or just healed. */
export function faultWindows(history: readonly Op[], graceMs = SETTLE_GRACE_MS): [number, number][] {
  const windows: [number, number][] = [];
  let open = 0;
  let start = 0;
  for (const op of history) {
    if (op.process !== NEMESIS) continue;
    const fault = (op.value as { fault?: string } | null)?.fault ?? '';
    if (op.type === 'invoke' && FAULTS.has(fault)) {
      if (open++ === 0) start = op.time;
    } else if (op.type === 'invoke' && fault === 'clean-restart') {
      if (open === 0) start = op.time;
      open++;
    } else if (op.type !== 'invoke' && (HEALS.has(fault) || fault === 'clean-restart')) {
      open = fault === 'heal-all' ? 0 : Math.max(0, open - 1);
      if (open === 0) windows.push([start, op.time + graceMs]);
    }
  }
  // A fault never healed in the history lasts to its end.
  if (open > 0) windows.push([start, Infinity]);
  return windows;
}

/**
 * The history without the client ops that touched a fault window (invoked or completed inside
 * one), each invocation dropped with its completion, and without nemesis ops. The final read and
 * the replay are kept whenever they ran: they are what the faults left behind. What is left is
 * what clients saw of a healthy cluster, and the final state.
 */
export function outsideFaultWindows(history: readonly Op[], windows: readonly [number, number][]): Op[] {
  if (windows.length === 0) return [...history];
  const inside = (t: number) => windows.some(([a, b]) => t >= a && t <= b);
  const drop = new Set<number>();
  const open = new Map<string, number[]>();
  history.forEach((op, i) => {
    if (op.process === NEMESIS) {
      drop.add(i);
      return;
    }
    const p = String(op.process);
    if (p === FINAL_READ || p === REPLAY_READ) return;
    if (op.type === 'invoke') {
      (open.get(p) ?? open.set(p, []).get(p)!).push(i);
      if (inside(op.time)) drop.add(i);
      return;
    }
    const invoke = open.get(p)?.shift();
    if (inside(op.time) || (invoke !== undefined && drop.has(invoke))) {
      drop.add(i);
      if (invoke !== undefined) drop.add(invoke);
    }
  });
  return history.filter((_, i) => !drop.has(i));
}
