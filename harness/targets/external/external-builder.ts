/** Names `external@…` targets: the broker as it is, or behind proxies when faults are asked for. */
import { fetchClusterMetadata } from '../../kafka-dist/cluster-metadata.ts';
import { ExternalFaultControl } from '../../nemesis/external-faults.ts';
import type { NodeCommands } from '../../nemesis/node-commands.ts';
import { startProxies } from '../../nemesis/tcp-proxy.ts';
import { noFaults, withCleanup } from '../started-handle.ts';
import { TargetUnavailableError, type StartedTarget, type TargetBuilder } from '../target-kind.ts';
import { Wait } from '../wait-strategies.ts';
import type { ExternalSpec } from './external-kind.ts';

/**
 * An external cluster behind one Kafka-aware proxy per node (its faults: the proxy's, and the
 * owner's node-control commands). Clients bootstrap at the proxies; stopping heals every fault
 * still in effect (the owner's start/resume commands run) and closes the proxies.
 */
async function proxiedExternal(
  spec: ExternalSpec,
  bootstrap: string,
  nodeControl: NodeCommands | undefined,
): Promise<StartedTarget<ExternalSpec>> {
  let view;
  try {
    view = await fetchClusterMetadata(bootstrap, { timeoutMs: 5_000 });
  } catch (err) {
    throw new TargetUnavailableError(`no Kafka broker answers Metadata at ${bootstrap}: ${(err as Error).message}`);
  }
  if (view.brokers.length === 0)
    throw new TargetUnavailableError(`the broker at ${bootstrap} lists no brokers in its Metadata`);
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
  return {
    spec,
    bootstrap: proxied.map((n) => n.bootstrap).join(','),
    fresh: false,
    logFiles: [],
    nodes: proxied,
    faults,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** The builder of the `external` kind. */
export const externalBuilder: TargetBuilder<ExternalSpec> = {
  // nothing to install: whether it answers is the wait strategy's to say
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
    return {
      spec,
      bootstrap,
      fresh: false,
      logFiles: [],
      nodes: [{ id: -1, bootstrap }],
      faults,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  },

  // kconform starts nothing: reachable is all it can wait for (through the proxies when faulted)
  waitStrategies: () => [Wait.forApiVersions()],

  explainFailure: () => undefined,
};
