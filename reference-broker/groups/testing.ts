/**
 * Helpers for tests that drive a {@link GroupCoordinator} on a {@link FakeClock}: request
 * builders with sensible defaults, and a way to look at a promise without awaiting it.
 */
import { FakeClock } from './fake-clock.ts';
import { GroupCoordinator, type GroupCoordinatorOptions } from './group-coordinator.ts';
import type { GroupProtocol, JoinGroupInput, SyncGroupInput } from './types.ts';

/** A protocol with UTF-8 metadata. */
export function protocol(name = 'range', metadata = name): GroupProtocol {
  return { name, metadata: Buffer.from(metadata) };
}

/** A JoinGroup of a dynamic consumer-protocol member of group "g", overridable field by field. */
export function joinInput(overrides: Partial<JoinGroupInput> = {}): JoinGroupInput {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: [protocol()],
    clientId: 'client',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: false,
    ...overrides,
  };
}

/** A SyncGroup of group "g" with no assignments, overridable field by field. */
export function syncInput(
  overrides: Partial<SyncGroupInput> & Pick<SyncGroupInput, 'memberId' | 'generationId'>,
): SyncGroupInput {
  return { groupId: 'g', groupInstanceId: null, assignments: [], ...overrides };
}

/** A promise whose outcome can be read synchronously once it settled. */
export interface Tracked<T> {
  readonly done: boolean;
  readonly value: T;
  readonly promise: Promise<T>;
}

/** Wraps a promise so tests can assert it is still pending, or read its value. */
export function track<T>(promise: Promise<T>): Tracked<T> {
  let done = false;
  let value: T | undefined;
  void promise.then((v) => {
    done = true;
    value = v;
  });
  return {
    get done() {
      return done;
    },
    get value() {
      if (!done) throw new Error('promise still pending');
      return value as T;
    },
    promise,
  };
}

/** Lets every queued promise reaction run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A coordinator on a fake clock, with predictable member ids (`<client>-u1`, `-u2`, …) and a 1 ms minimum session. */
export function fakeCoordinator(options: GroupCoordinatorOptions = {}): { clock: FakeClock; gc: GroupCoordinator } {
  const clock = new FakeClock();
  let n = 0;
  const gc = new GroupCoordinator({
    clock,
    randomUuid: () => `u${++n}`,
    ...options,
    config: { groupMinSessionTimeoutMs: 1, ...options.config },
  });
  return { clock, gc };
}
