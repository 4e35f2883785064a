/**
 * Shared by the network-lab suites: when to skip, reference brokers inside node namespaces,
 * ApiVersions through the raw client, and the check that a lab left nothing behind.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RawClient } from '../../protocol/client/raw-client.ts';
import type { ProcessGroup } from '../../harness/kafka-dist/process-group.ts';
import { checkNetnsPrerequisites, PrerequisiteError } from '../../harness/netns/prerequisites.ts';
import type { LabNode, NetworkLab } from '../../harness/netns/network-lab.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/**
 * Why the suites cannot run here, or undefined. Only a missing root or `ip` skips: a missing
 * firewall is a failure, since CI installs it (and the error says how).
 */
export function netnsSkipReason(): string | undefined {
  try {
    checkNetnsPrerequisites();
    return undefined;
  } catch (err) {
    if (err instanceof PrerequisiteError && (err.tool === 'root' || err.tool === 'ip')) {
      const reason = `network namespace suites skipped: ${err.message}`;
      console.warn(reason);
      return reason;
    }
    return undefined;
  }
}

export const CLI_MAIN = fileURLToPath(new URL('../../app/cli/main.ts', import.meta.url));
export const BROKER_PORT = 9092;

/** Starts the reference broker CLI in `node`'s namespace on its address; resolves once it says it is ready. */
export async function startReferenceBroker(node: LabNode, timeoutMs = 30_000): Promise<ProcessGroup> {
  const group = node.spawn(
    process.execPath,
    [CLI_MAIN, 'broker', '--host', node.address, '--port', String(BROKER_PORT)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`broker in ${node.namespace} not ready in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (b: Buffer): void => {
      output += b.toString('utf8');
      if (output.includes(`kconform broker ready on ${node.address}:${BROKER_PORT}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    group.child.stdout?.on('data', onData);
    group.child.stderr?.on('data', onData);
    void group.exited.then((s) => {
      clearTimeout(timer);
      reject(new Error(`broker in ${node.namespace} exited (${s.code ?? s.signal}):\n${output}`));
    });
  });
  // Keep draining so a chatty broker never blocks on a full pipe.
  group.child.stdout?.resume();
  group.child.stderr?.resume();
  return group;
}

/** The ApiVersions error code of `host:port` on a new connection, or the reason there was none within `timeoutMs`. */
export async function apiVersions(host: string, port: number, timeoutMs = 2_000): Promise<number | Error> {
  let client: RawClient | undefined;
  try {
    client = await RawClient.connect(`${host}:${port}`, 'kconform-netns-test', timeoutMs);
    const res = await client.request(
      ApiKey.ApiVersions,
      3,
      { clientSoftwareName: 'kconform', clientSoftwareVersion: '0' },
      timeoutMs,
    );
    return res.errorCode;
  } catch (err) {
    return err as Error;
  } finally {
    client?.close();
  }
}

/** What of `lab` is still on the machine: namespaces, root-namespace links, root firewall rules naming its subnet. */
export function labLeftovers(lab: Pick<NetworkLab, 'prefix' | 'hostLink' | 'subnet'>): string[] {
  const left: string[] = [];
  const sh = (cmd: string, args: string[]): string => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return '';
    }
  };
  for (const line of sh('ip', ['netns', 'list']).split('\n'))
    if (line.startsWith(`${lab.prefix}-`)) left.push(`namespace ${line}`);
  for (const line of sh('ip', ['-o', 'link', 'show']).split('\n'))
    if (line.includes(`${lab.hostLink}@`) || line.includes(` ${lab.hostLink}:`)) left.push(`link ${line}`);
  const net = lab.subnet.split('.').slice(0, 3).join('.');
  for (const rules of [sh('iptables-save', []), sh('nft', ['list', 'ruleset'])]) {
    for (const line of rules.split('\n'))
      if (line.includes(`${net}.`) || line.includes('kconform')) left.push(`rule ${line.trim()}`);
  }
  return left;
}
