/** The metadata quorum: Raft with PreVote and check-quorum, durable in a directory or in memory. */
export {
  RaftNode,
  NotLeaderError,
  DEFAULT_RAFT_TIMINGS,
  type RaftNodeOptions,
  type RaftTimings,
  type RaftRole,
  type RaftEvents,
  type Voter,
} from './raft-node.ts';
export type { RaftTransport, RaftRequest, RaftReply } from './raft-messages.ts';
export {
  DiskRaftStorage,
  MemoryRaftStorage,
  type RaftStorage,
  type LogEntry,
  type PersistentState,
} from './raft-storage.ts';
