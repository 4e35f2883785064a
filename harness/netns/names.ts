/**
 * Names of what a network lab creates. Everything carries the owning process's pid so that a
 * later run can tell a lab left by a dead process (stale, safe to remove) from a live one.
 *
 * Namespaces: `kcf-<pid>-<lab>-hub` (the bridge) and `kcf-<pid>-<lab>-<nodeId>`.
 * The only root-namespace link: the host's veth end `kcf<pid>-<lab>` (interface names are
 * limited to 15 characters, hence no dash after `kcf`).
 */

/** Linux's limit on interface names (IFNAMSIZ - 1). */
export const MAX_IFNAME = 15;

/** Names of one lab's namespaces and its root-namespace link. */
export interface LabNames {
  /** `kcf-<pid>-<lab>`: the prefix of every namespace of this lab. */
  readonly prefix: string;
  readonly hubNamespace: string;
  /** The host's end of the host↔hub veth pair, in the root namespace. */
  readonly hostLink: string;
  nodeNamespace(nodeId: number): string;
}

/** The names of lab number `lab` of process `pid`. */
export function labNames(pid: number, lab: number): LabNames {
  if (!Number.isInteger(pid) || pid <= 0) throw new RangeError(`bad pid ${pid}`);
  if (!Number.isInteger(lab) || lab < 0) throw new RangeError(`bad lab number ${lab}`);
  const labTag = lab.toString(36);
  const hostLink = `kcf${pid}-${labTag}`;
  if (hostLink.length > MAX_IFNAME)
    throw new RangeError(`interface name ${hostLink} is longer than ${MAX_IFNAME} characters`);
  const prefix = `kcf-${pid}-${labTag}`;
  return {
    prefix,
    hubNamespace: `${prefix}-hub`,
    hostLink,
    nodeNamespace: (nodeId) => `${prefix}-${nodeId}`,
  };
}

const NAMESPACE_RE = /^kcf-(\d+)-[0-9a-z]+-(?:hub|\d+)$/;
const LINK_RE = /^kcf(\d+)-[0-9a-z]+$/;

/** The owner pid of a lab namespace name, or undefined when the name is not one of ours. */
export function namespaceOwner(name: string): number | undefined {
  const m = NAMESPACE_RE.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** The owner pid of a lab's root-namespace link name, or undefined when it is not one of ours. */
export function linkOwner(name: string): number | undefined {
  const m = LINK_RE.exec(name);
  return m ? Number(m[1]) : undefined;
}
