/** The classic consumer-group coordinator of the reference broker and what it is built from. */
export { GroupCoordinator, type GroupCoordinatorOptions } from './group-coordinator.ts';
export { defaultGroupCoordinatorConfig, type GroupCoordinatorConfig } from './config.ts';
export { ErrorCode, type GroupErrorCode } from './error-codes.ts';
export { systemClock, type Clock } from './clock.ts';
export { FakeClock } from './fake-clock.ts';
export { parseSnapshot, type CoordinatorSnapshot, type PersistedGroup, type PersistedMember } from './snapshot.ts';
export type { OffsetEntry } from './offset-store.ts';
export type * from './types.ts';
