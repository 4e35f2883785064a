/** The messages Raft nodes exchange, and the transport that carries them (RPC in a cluster, memory in tests). */
import type { LogEntry } from './raft-storage.ts';

/**
 * RequestVote, or its PreVote form (KIP-996, Raft thesis §9.6): a PreVote asks "would you vote
 * for me in `term`?" without anyone changing term, so a node that was cut off cannot disrupt a
 * healthy leader by coming back with a bumped term.
 */
export interface VoteRequest {
  kind: 'vote';
  term: number;
  candidateId: number;
  lastLogIndex: number;
  lastLogTerm: number;
  preVote: boolean;
}

export interface VoteReply {
  kind: 'vote';
  term: number;
  granted: boolean;
}

/** AppendEntries: replication and, with no entries, the leader's heartbeat. */
export interface AppendRequest {
  kind: 'append';
  term: number;
  leaderId: number;
  prevLogIndex: number;
  prevLogTerm: number;
  entries: LogEntry[];
  leaderCommit: number;
}

export interface AppendReply {
  kind: 'append';
  term: number;
  success: boolean;
  /** On success: the last index the follower now shares with the leader. */
  matchIndex: number;
  /** On failure: where the leader should retry from (first index of the conflicting term, or the follower's end + 1). */
  conflictIndex: number;
}

export type RaftRequest = VoteRequest | AppendRequest;
export type RaftReply = VoteReply | AppendReply;

/**
 * Carries one request to a peer and calls `onReply` exactly once: with the reply, or with
 * undefined when none came within `timeoutMs` (peer down, message lost, partition).
 */
export interface RaftTransport {
  send(to: number, request: RaftRequest, timeoutMs: number, onReply: (reply: RaftReply | undefined) => void): void;
}
