/** One voter of the controller quorum: a node id and its controller listener. */
export interface QuorumVoter {
  id: number;
  host: string;
  port: number;
}

/**
 * Parses Kafka's controller.quorum.voters syntax, `1@127.0.0.1:19093,2@127.0.0.1:19094`.
 * @throws Error naming the bad entry
 */
export function parseQuorumVoters(text: string): QuorumVoter[] {
  const voters = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^(\d+)@(.+):(\d+)$/.exec(entry);
      const port = m ? Number(m[3]) : NaN;
      if (!m || !(port >= 1 && port <= 65535))
        throw new Error(`bad quorum voter '${entry}': expected ID@HOST:PORT, e.g. 1@127.0.0.1:19093`);
      return { id: Number(m[1]), host: m[2]!.replace(/^\[(.*)\]$/, '$1'), port };
    });
  if (voters.length === 0) throw new Error('the quorum needs at least one voter');
  const ids = new Set(voters.map((v) => v.id));
  if (ids.size !== voters.length) throw new Error(`the quorum names a node id twice: ${text}`);
  return voters;
}

/** The inverse of {@link parseQuorumVoters}. */
export function formatQuorumVoters(voters: readonly QuorumVoter[]): string {
  return voters.map((v) => `${v.id}@${v.host}:${v.port}`).join(',');
}
