/**
 * A private network for a local process cluster: one network namespace per node, joined by a
 * bridge, reachable from the host (where clients run), with partitions and client cuts done by
 * firewall rules inside the node namespaces.
 *
 * ```
 *  root namespace (host, clients)     hub namespace (kcf-P-L-hub)        node namespaces
 *   kcfP-L  10.213.X.1/24  ── veth ──  host ┐
 *                                          br0 ── n1 ── veth ── eth0 10.213.X.11/24  (kcf-P-L-1)
 *                                             └─ n2 ── veth ── eth0 10.213.X.12/24  (kcf-P-L-2)
 * ```
 *
 * Why the bridge lives in its own namespace rather than in the root one: the root namespace
 * then holds a single veth end and no bridge, and deleting the hub namespace cuts every veth
 * pair at once, so cleanup cannot miss a link; and the root namespace's own firewall (Docker's
 * FORWARD DROP policy, br_netfilter) never sees the lab's bridged node-to-node traffic.
 *
 * Node namespaces get no default route: nodes reach each other and the host, nothing else.
 * Each has its own loopback and port space, so every node can listen on the same port.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerCleanup } from '../cleanup/cleanup-registry.ts';
import { acquireFileLock } from '../kafka-dist/file-lock.ts';
import { spawnProcessGroup, type ProcessGroup, type SpawnGroupOptions } from '../kafka-dist/process-group.ts';
import { checkPartition, firewallRules, nodeDrops, type FirewallKind, type PartitionGroups } from './firewall-rules.ts';
import { cleanupStale, forgetAtExit, guardLab, teardownAtExit, teardownLab, type LabTeardown } from './lab-cleanup.ts';
import { labNames } from './names.ts';
import type { NetworkFaults } from './network-faults.ts';
import { checkNetnsPrerequisites, PrerequisiteError, type FirewallChoice, type NetnsTools } from './prerequisites.ts';
import { NetnsCommandError, runTool, type RunToolOptions } from './run-tool.ts';
import { checkSubnetBase, pickFreeSubnet, prefixesFromAddrJson, prefixesFromRouteJson } from './subnet.ts';

/** Options of {@link startNetworkLab}. */
export interface NetworkLabOptions {
  /** How many nodes (ids 1..K), or their ids (0..240; Kafka node ids). */
  nodes: number | readonly number[];
  /** Default `auto`: iptables where installed, else nftables. */
  firewall?: FirewallChoice;
  /**
   * First two octets of the /16 in which a free /24 is picked; default
   * `$KCONFORM_NETNS_SUBNET_BASE` or `10.213`. Change it where 10.213.0.0/16 is a real network.
   */
  subnetBase?: string;
  /** Remove labs of dead runs first ({@link cleanupStale}); default true. */
  cleanupStale?: boolean;
  /** Grace between SIGTERM and SIGKILL for processes still running at `destroy()`; default 5 s. */
  stopGraceMs?: number;
}

/** One node's namespace. */
export interface LabNode {
  readonly id: number;
  /** The network namespace's name (`ip netns exec NAME …`). */
  readonly namespace: string;
  /** The node's address: brokers listen on it, clients on the host connect to it. */
  readonly address: string;
  /** The argv that runs `cmd args…` inside this namespace (`ip netns exec NAME cmd args…`, which execs, so the pid is `cmd`'s). */
  command(cmd: string, args?: readonly string[]): [string, string[]];
  /**
   * Starts `cmd args…` inside this namespace as a process group (see `spawnProcessGroup`); the
   * lab stops it on `destroy()` if it still runs.
   */
  spawn(cmd: string, args?: readonly string[], opts?: SpawnGroupOptions): ProcessGroup;
  /** Runs `cmd args…` inside this namespace to completion; resolves with its stdout, rejects on a non-zero exit. */
  run(cmd: string, args?: readonly string[], opts?: RunToolOptions): Promise<string>;
}

/** A started lab. `destroy()` or dispose it; it is also removed when this process ends, however it ends. */
export interface NetworkLab extends NetworkFaults, AsyncDisposable {
  /** `kcf-<pid>-<lab>`: every namespace of the lab starts with it. */
  readonly prefix: string;
  /** The lab's /24, e.g. `10.213.7.0/24`. */
  readonly subnet: string;
  /** The host's address on the lab network (clients' source address; what `cutClient` drops). */
  readonly hostAddress: string;
  readonly firewall: FirewallKind;
  readonly nodes: readonly LabNode[];
  /** Every namespace of the lab, the hub first. */
  readonly namespaces: readonly string[];
  /** The host's veth end, the lab's only link in the root namespace. */
  readonly hostLink: string;
  /** @throws RangeError for an id that is not in the lab */
  node(id: number): LabNode;
  /** Stops processes started through {@link LabNode.spawn}, then deletes namespaces, links and rules. Idempotent. */
  destroy(): Promise<void>;
}

const DEFAULT_SUBNET_BASE = '10.213';
const HOST_OCTET = 1;
const NODE_OCTET_OFFSET = 10;
const MAX_NODE_ID = 240;
// On globalThis, not in module state: a test runner that evaluates this module twice in one
// process must still never hand out the same lab name twice.
const LAB_COUNTER = Symbol.for('kconform.netns.labsStarted');
function nextLabNumber(): number {
  const g = globalThis as unknown as Record<symbol, number | undefined>;
  const n = g[LAB_COUNTER] ?? 0;
  g[LAB_COUNTER] = n + 1;
  return n;
}

function nodeIdsOf(nodes: number | readonly number[]): number[] {
  const ids = typeof nodes === 'number' ? Array.from({ length: nodes }, (_, i) => i + 1) : [...nodes];
  if (ids.length === 0) throw new RangeError('a network lab needs at least one node');
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id > MAX_NODE_ID)
      throw new RangeError(`node id ${id} is not an integer in 0..${MAX_NODE_ID}`);
  }
  if (new Set(ids).size !== ids.length) throw new RangeError(`node ids repeat: ${ids.join(', ')}`);
  return ids;
}

/** Picks a free /24 and gives the host its address on it, under a host-wide lock so that concurrent runs pick different ones. */
async function claimSubnet(tools: NetnsTools, base: string, hostLink: string, hub: string): Promise<string> {
  const lock = await acquireFileLock(join(tmpdir(), 'kconform-netns.lock'), { timeoutMs: 60_000, pollMs: 50 });
  try {
    const [addrs, routes] = await Promise.all([
      runTool(tools.ip, ['-j', '-4', 'addr', 'show']),
      runTool(tools.ip, ['-j', '-4', 'route', 'show', 'table', 'all']),
    ]);
    const x = pickFreeSubnet(
      base,
      [...prefixesFromAddrJson(addrs || '[]'), ...prefixesFromRouteJson(routes || '[]')],
      process.pid % 256,
    );
    if (x === undefined)
      throw new Error(
        `no free /24 left in ${base}.0.0/16 for a network lab: set subnetBase or KCONFORM_NETNS_SUBNET_BASE`,
      );
    const net = `${base}.${x}`;
    await runTool(tools.ip, ['-batch', '-'], {
      input: [
        `link add ${hostLink} type veth peer name host netns ${hub}`,
        `addr add ${net}.${HOST_OCTET}/24 dev ${hostLink}`,
        `link set ${hostLink} up`,
        '',
      ].join('\n'),
    });
    return net;
  } finally {
    await lock.release();
  }
}

/**
 * Creates the namespaces, bridge, veth pairs and addresses of a lab with `nodes` nodes and
 * returns it once the host has an address on it.
 *
 * @throws PrerequisiteError when not root, or `ip` / a firewall is missing, or namespaces cannot be made here
 */
export async function startNetworkLab(opts: NetworkLabOptions): Promise<NetworkLab> {
  const ids = nodeIdsOf(opts.nodes);
  const tools = checkNetnsPrerequisites({ firewall: opts.firewall });
  const base = checkSubnetBase(opts.subnetBase ?? process.env.KCONFORM_NETNS_SUBNET_BASE ?? DEFAULT_SUBNET_BASE);
  if (opts.cleanupStale ?? true) await cleanupStale(tools.ip);

  const names = labNames(process.pid, nextLabNumber());
  const namespaces = [names.hubNamespace, ...ids.map((id) => names.nodeNamespace(id))];
  const teardown: LabTeardown = { ip: tools.ip, hostLink: names.hostLink, namespaces };
  // Both before creating anything, so that a half-built lab is removed too.
  teardownAtExit(names.prefix, teardown);
  const guard = guardLab(teardown);
  const ip = (args: readonly string[], input?: string): Promise<string> => runTool(tools.ip, args, { input });
  const batch = (ns: string | undefined, lines: readonly string[]): Promise<string> =>
    ip([...(ns ? ['-n', ns] : []), '-batch', '-'], `${lines.join('\n')}\n`);

  let net: string;
  try {
    try {
      await batch(
        undefined,
        namespaces.map((ns) => `netns add ${ns}`),
      );
    } catch (err) {
      if (err instanceof NetnsCommandError && /not permitted|permission denied/i.test(err.stderr)) {
        throw new PrerequisiteError(
          'ip',
          `cannot create network namespaces here (needs root with CAP_SYS_ADMIN and CAP_NET_ADMIN): ${err.message}`,
        );
      }
      throw err;
    }
    await batch(names.hubNamespace, [
      'link add br0 type bridge',
      'link set br0 up',
      ...ids.flatMap((id) => [
        `link add n${id} type veth peer name eth0 netns ${names.nodeNamespace(id)}`,
        `link set n${id} master br0`,
        `link set n${id} up`,
      ]),
    ]);
    net = await claimSubnet(tools, base, names.hostLink, names.hubNamespace);
    await batch(names.hubNamespace, ['link set host master br0', 'link set host up']);
    await Promise.all(
      ids.map((id) =>
        batch(names.nodeNamespace(id), [
          'link set lo up',
          `addr add ${net}.${NODE_OCTET_OFFSET + id}/24 dev eth0`,
          'link set eth0 up',
        ]),
      ),
    );
  } catch (err) {
    await teardownLab(teardown);
    forgetAtExit(names.prefix);
    guard.cancel();
    throw err;
  }

  const hostAddress = `${net}.${HOST_OCTET}`;
  const spawned = new Set<ProcessGroup>();
  const nodes = ids.map((id): LabNode => {
    const namespace = names.nodeNamespace(id);
    const command = (cmd: string, args: readonly string[] = []): [string, string[]] => [
      tools.ip,
      ['netns', 'exec', namespace, cmd, ...args],
    ];
    return {
      id,
      namespace,
      address: `${net}.${NODE_OCTET_OFFSET + id}`,
      command,
      spawn(cmd, args = [], spawnOpts) {
        const group = spawnProcessGroup(...command(cmd, args), spawnOpts);
        spawned.add(group);
        void group.exited.then(() => spawned.delete(group));
        return group;
      },
      run: (cmd, args = [], runOpts) => runTool(...command(cmd, args), runOpts),
    };
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const node = (id: number): LabNode => {
    const n = byId.get(id);
    if (!n) throw new RangeError(`node ${id} is not in the lab (nodes ${ids.join(', ')})`);
    return n;
  };

  // Desired fault state; the rules are rendered from it whole after every change.
  let partition: PartitionGroups | undefined;
  const cut = new Set<number>();
  const empty = firewallRules(tools.firewall, []);
  const loaded = new Map(ids.map((id) => [id, empty]));
  let destroyed = false;
  // One change at a time, so two concurrent calls cannot load rules out of order.
  let queue: Promise<unknown> = Promise.resolve();
  const change = (mutate: () => void): Promise<void> => {
    const next = queue.then(async () => {
      if (destroyed) throw new Error(`network lab ${names.prefix} is destroyed`);
      mutate();
      const drops = nodeDrops(ids, partition, cut);
      await Promise.all(
        ids.map(async (id) => {
          const d = drops.get(id)!;
          const addresses = [...d.peers.map((p) => node(p).address), ...(d.host ? [hostAddress] : [])];
          const rules = firewallRules(tools.firewall, addresses);
          if (loaded.get(id) === rules) return;
          const [cmd, args] = tools.firewall === 'nft' ? [tools.firewallBin, ['-f', '-']] : [tools.firewallBin, []];
          await runTool(...node(id).command(cmd, args), { input: rules });
          loaded.set(id, rules);
        }),
      );
    });
    queue = next.catch(() => undefined);
    return next;
  };

  let destroying: Promise<void> | undefined;
  let unregister = (): void => undefined;
  const destroy = (): Promise<void> =>
    (destroying ??= (async () => {
      unregister();
      destroyed = true;
      await queue;
      await Promise.all([...spawned].map((g) => g.stop(opts.stopGraceMs ?? 5_000)));
      await teardownLab(teardown);
      forgetAtExit(names.prefix);
      guard.cancel();
    })());

  // On Ctrl-C / SIGTERM the run's cleanup registry destroys the lab in order with the rest.
  unregister = registerCleanup(`remove network lab ${names.prefix}`, destroy);

  return {
    prefix: names.prefix,
    subnet: `${net}.0/24`,
    hostAddress,
    firewall: tools.firewall,
    nodes,
    namespaces,
    hostLink: names.hostLink,
    node,
    partition: (groups) =>
      change(() => {
        checkPartition(groups, ids);
        partition = groups.map((g) => [...g]);
      }),
    cutClient: (nodeId) =>
      change(() => {
        node(nodeId);
        cut.add(nodeId);
      }),
    healNetwork: () =>
      change(() => {
        partition = undefined;
        cut.clear();
      }),
    destroy,
    [Symbol.asyncDispose]: destroy,
  };
}

export { NetnsCommandError };
