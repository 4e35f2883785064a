/**
 * `external@HOST:PORT`: a broker kconform did not start and does not own (any Kafka-compatible
 * broker already running). Its topics are shared, so runs name theirs per run. With faults it is
 * put behind one Kafka-aware proxy per node (network faults), and the owner's `--node-control`
 * commands do the process faults.
 */
import { fetchClusterMetadata } from '../../kafka-dist/cluster-metadata.ts';
import { ExternalFaultControl } from '../../nemesis/external-faults.ts';
import type { NodeCommands } from '../../nemesis/node-commands.ts';
import { startProxies } from '../../nemesis/tcp-proxy.ts';
import { noFaults, withCleanup } from '../started-handle.ts';
import { TargetSpecError, TargetUnavailableError, type StartedTarget, type TargetKind } from '../target-kind.ts';
import { Wait } from '../wait-strategies.ts';

/** A parsed `external@HOST:PORT` spec (an IPv6 host is written in brackets). */
export interface ExternalSpec {
  readonly kind: 'external';
  readonly host: string;
  readonly port: number;
}

/**
 * An external cluster behind one Kafka-aware proxy per node (its faults: the proxy's, and the
 * owner's node-control commands). Clients bootstrap at the proxies; stopping heals every fault
 * still in effect (the owner's start/resume commands run) and closes the proxies.
 */
async function proxiedExternal(spec: ExternalSpec, bootstrap: string, nodeControl: NodeCommands | undefined): Promise<StartedTarget<ExternalSpec>> {
  let view;
  try {
    view = await fetchClusterMetadata(bootstrap, { timeoutMs: 5_000 });
  } catch (err) {
    throw new TargetUnavailableError(`no Kafka broker answers Metadata at ${bootstrap}: ${(err as Error).message}`);
  }
  if (view.brokers.length === 0) throw new TargetUnavailableError(`the broker at ${bootstrap} lists no brokers in its Metadata`);
  const brokers = view.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port }));
  const proxies = await startProxies(brokers);
  const nodes = brokers.map((b, i) => ({ id: b.id, upstream: `${b.host}:${b.port}`, proxy: proxies[i]! }));
  const label = `external@${bootstrap}`;
  const faults = new ExternalFaultControl(label, nodes, nodeControl);
  const stop = withCleanup(`heal ${label} and close its proxies`, async () => {
    try {
      await faults.healAll();
    } finally {
      await Promise.all(proxies.map((p) => p.close()));
    }
  });
  const proxied = nodes.map((n) => ({ id: n.id, bootstrap: `${n.proxy.listen.host}:${n.proxy.listen.port}` }));
  return { spec, bootstrap: proxied.map((n) => n.bootstrap).join(','), fresh: false, logFiles: [], nodes: proxied, faults, stop, [Symbol.asyncDispose]: stop };
}

/** The `external` target kind. */
export const externalKind: TargetKind<ExternalSpec> = {
  name: 'external',
  syntax: 'external@HOST:PORT',
  help: 'a broker already running that kconform does not own (any Kafka-compatible broker); --brokers does not apply',
  capabilities: {
    maxBrokers: undefined,
    faults: ['delay', 'blackhole', 'drop-response', 'cut-client', 'kill', 'pause', 'restart', 'rolling-restart', 'replication'],
    faultsNote: 'network faults through a proxy per node; process faults only through your --node-control commands',
    knownBugs: false,
    nodeControl: true,
    networkLab: false,
    shrinkByDefault: false,
  },

  parse(arg, text) {
    const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(arg ?? '');
    const port = m ? Number(m[3]) : NaN;
    if (!m || port < 1 || port > 65535) throw new TargetSpecError(`bad target '${text}': expected external@HOST:PORT`);
    return { kind: 'external', host: (m[1] ?? m[2])!, port };
  },

  // what runs there is not kconform's to know
  kafkaRelease: () => undefined,

  unavailable: async () => undefined,

  async start(spec, c) {
    const bootstrap = `${spec.host}:${spec.port}`;
    if (c.faultable) {
      // the proxies are built from its Metadata: an unreachable broker is said as such first
      await Wait.forApiVersions().waitUntilReady(bootstrap);
      return proxiedExternal(spec, bootstrap, c.nodeControl);
    }
    const stop = async () => {};
    const faults = noFaults(`external@${bootstrap}`, 'kconform did not start it, so it cannot kill, pause or cut it');
    return { spec, bootstrap, fresh: false, logFiles: [], nodes: [{ id: -1, bootstrap }], faults, stop, [Symbol.asyncDispose]: stop };
  },

  // kconform starts nothing: reachable is all it can wait for (through the proxies when faulted)
  waitStrategies: () => [Wait.forApiVersions()],

  explainFailure: () => undefined,
};
