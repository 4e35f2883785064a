/**
 * Faults on a broker kconform did not start (`external@HOST:PORT`). Network faults come from
 * the Kafka-aware TCP proxy kconform puts in front of every node (clients bootstrap at the
 * proxies, and the proxies rewrite the addresses brokers advertise so clients stay behind them):
 * delay, blackhole, drop a response after the broker applied the request, cut the clients off.
 * They cover client ↔ broker traffic only: the nodes' replication among themselves does not go
 * through the proxy, so a partition between nodes is not offered. Process faults come from the
 * commands the owner supplies per node (node-commands.ts), and only those whose commands exist.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { tryClusterMetadata } from '../kafka-dist/cluster-metadata.ts';
import { FaultUnavailableError, type FaultControl, type FaultName, type PartitionGroups } from './fault-control.ts';
import { runNodeCommand, type NodeAction, type NodeCommands } from './node-commands.ts';
import type { TcpProxy } from './tcp-proxy.ts';
import { FAULT_FAMILIES, FAULT_NEEDS, type FaultFamily } from './fault-schedule.ts';

/** One node of the external cluster: its id, where it really is, and the proxy in front of it. */
export interface ProxiedNode {
  readonly id: number;
  /** host:port the broker advertises (where the proxy connects). */
  readonly upstream: string;
  readonly proxy: TcpProxy;
}

/** Which process faults a set of node-control commands makes possible. */
export function processFaultsOf(commands: NodeCommands | undefined): FaultName[] {
  const has = (...actions: NodeAction[]) =>
    commands !== undefined && actions.every((a) => commands.commands[a] !== undefined);
  const faults: FaultName[] = [];
  if (has('kill', 'start')) faults.push('kill', 'restart');
  if (has('stop', 'start')) faults.push('clean-restart');
  if (has('pause', 'resume')) faults.push('pause');
  return faults;
}

/** {@link FaultControl} for an external target: the proxy's faults, plus the owner's commands. */
export class ExternalFaultControl implements FaultControl {
  readonly supported: ReadonlySet<FaultName>;
  private readonly label: string;
  private readonly nodes: ReadonlyMap<number, ProxiedNode>;
  private readonly commands: NodeCommands | undefined;
  /** Nodes this control brought down or paused: what healAll must undo. */
  private readonly down = new Set<number>();
  private readonly paused = new Set<number>();

  constructor(label: string, nodes: readonly ProxiedNode[], commands?: NodeCommands) {
    this.label = label;
    this.nodes = new Map(nodes.map((n) => [n.id, n]));
    this.commands = commands;
    this.supported = new Set<FaultName>(['proxy', ...processFaultsOf(commands)]);
  }

  private node(id: number): ProxiedNode {
    const n = this.nodes.get(id);
    if (!n) throw new RangeError(`${this.label} has no node ${id}`);
    return n;
  }

  private async command(fault: FaultName, action: NodeAction, id: number): Promise<void> {
    this.node(id);
    if (!this.supported.has(fault) || !this.commands)
      throw new FaultUnavailableError(
        fault,
        this.label,
        `give --node-control ${action}=COMMAND (e.g. ${action}='docker ${action === 'start' ? 'start' : action === 'resume' ? 'unpause' : action} b%i')`,
      );
    await runNodeCommand(this.commands, action, id);
  }

  /** Waits until node `id` answers Metadata at its own address again. */
  private async waitServing(id: number): Promise<void> {
    const { upstream } = this.node(id);
    const deadline = Date.now() + (this.commands?.readyTimeoutMs ?? 60_000);
    for (;;) {
      const view = await tryClusterMetadata(upstream, { timeoutMs: 2_000 });
      if (view?.brokers.some((b) => b.nodeId === id)) return;
      if (Date.now() >= deadline)
        throw new Error(
          `node ${id} at ${upstream} did not answer Metadata within ${this.commands?.readyTimeoutMs ?? 60_000} ms of its start command`,
        );
      await sleep(200);
    }
  }

  async kill(id: number): Promise<void> {
    await this.command('kill', 'kill', id);
    this.paused.delete(id);
    this.down.add(id);
  }

  /** Resumes a paused node, starts a killed one (and waits until it serves); leaves a running one alone. */
  async restart(id: number): Promise<void> {
    if (this.paused.has(id)) await this.resume(id);
    if (!this.down.has(id)) return;
    await this.command('restart', 'start', id);
    await this.waitServing(id);
    this.down.delete(id);
  }

  async cleanRestart(id: number): Promise<void> {
    await this.command('clean-restart', 'stop', id);
    this.down.add(id);
    await this.command('clean-restart', 'start', id);
    await this.waitServing(id);
    this.down.delete(id);
  }

  async pause(id: number): Promise<void> {
    await this.command('pause', 'pause', id);
    this.paused.add(id);
  }

  async resume(id: number): Promise<void> {
    if (!this.paused.has(id)) return;
    await this.command('pause', 'resume', id);
    this.paused.delete(id);
  }

  async partition(_groups: PartitionGroups): Promise<void> {
    throw new FaultUnavailableError(
      'partition',
      this.label,
      "the nodes replicate to each other directly, not through kconform's proxy; cut-client cuts the clients off one node",
    );
  }

  async cutClient(id: number): Promise<void> {
    this.node(id).proxy.cut();
  }

  async delay(id: number, ms: number): Promise<void> {
    this.node(id).proxy.delay(ms);
  }

  async blackhole(id: number): Promise<void> {
    this.node(id).proxy.blackhole();
  }

  async dropResponses(id: number, apiKey: number, count: number): Promise<void> {
    this.node(id).proxy.dropResponses({ apiKey, count });
  }

  async healNetwork(): Promise<void> {
    for (const n of this.nodes.values()) n.proxy.heal();
  }

  /** Heals the proxies, resumes the nodes it paused and starts the ones it brought down (their commands run). */
  async healAll(): Promise<void> {
    await this.healNetwork();
    const failures: string[] = [];
    for (const id of [...this.paused]) await this.resume(id).catch((err: Error) => failures.push(err.message));
    await Promise.all([...this.down].map((id) => this.restart(id).catch((err: Error) => failures.push(err.message))));
    if (failures.length) throw new Error(`healing ${this.label} failed: ${failures.join('; ')}`);
  }
}

/**
 * Why `--faults families` cannot run on an external target with these node-control commands
 * (one line), or undefined when every family can.
 */
export function externalFaultProblem(
  families: readonly FaultFamily[],
  commands: NodeCommands | undefined,
): string | undefined {
  const offered = new Set<FaultName>(['proxy', ...processFaultsOf(commands)]);
  const missing = families.filter((f) => !FAULT_NEEDS[f].every((n) => offered.has(n)));
  if (missing.length === 0) return undefined;
  const f = missing[0]!;
  const proxyFaults = FAULT_FAMILIES.filter((x) => FAULT_NEEDS[x].every((n) => n === 'proxy')).join(', ');
  const need: Partial<Record<FaultFamily, string>> = {
    kill: 'kill=…,start=…',
    replication: 'kill=…,start=…,pause=…,resume=…',
    pause: 'pause=…,resume=…',
    restart: 'stop=…,start=…',
    'rolling-restart': 'stop=…,start=…',
  };
  const why =
    f === 'partition'
      ? "the nodes of an external cluster replicate to each other directly, not through kconform's proxy (cut-client cuts the clients off one node)"
      : `it needs --node-control ${need[f]}`;
  return `fault '${f}' cannot be done on an external target: ${why}; without commands an external target offers ${proxyFaults}`;
}
