/**
 * Process faults on a broker kconform did not start, through shell commands its owner supplies
 * per node (`--node-control kill='docker kill b%i',start='docker start b%i'`, or `@file.json`).
 * `%i` in a command is the node id (Kafka's node.id), `%%` a literal `%`. Each command runs with
 * `sh -c`; a non-zero exit fails the fault with the command's last line of stderr.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The actions a node-control command may perform. */
export const NODE_ACTIONS = ['kill', 'start', 'stop', 'pause', 'resume'] as const;
export type NodeAction = (typeof NODE_ACTIONS)[number];

/** Parsed `--node-control`. */
export interface NodeCommands {
  /** Command templates by action (`%i` = node id). */
  readonly commands: Readonly<Partial<Record<NodeAction, string>>>;
  /** How long a started node gets to answer Metadata again; default 60 s. */
  readonly readyTimeoutMs: number;
  /** How long one command may run; default 60 s. */
  readonly commandTimeoutMs: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const KEYS = [...NODE_ACTIONS, 'ready-timeout-ms', 'command-timeout-ms'] as const;

function build(entries: readonly (readonly [string, unknown])[], where: string): NodeCommands {
  const commands: Partial<Record<NodeAction, string>> = {};
  let readyTimeoutMs = DEFAULT_TIMEOUT_MS;
  let commandTimeoutMs = DEFAULT_TIMEOUT_MS;
  for (const [rawKey, value] of entries) {
    // JSON files may spell the timeouts in camelCase
    const key = rawKey.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (!(KEYS as readonly string[]).includes(key))
      throw new Error(`${where}: unknown key '${rawKey}'; known: ${KEYS.join(', ')}`);
    if (key === 'ready-timeout-ms' || key === 'command-timeout-ms') {
      const n = Number(value);
      if (!Number.isInteger(n) || n <= 0)
        throw new Error(`${where}: ${rawKey} must be a positive whole number of milliseconds`);
      if (key === 'ready-timeout-ms') readyTimeoutMs = n;
      else commandTimeoutMs = n;
      continue;
    }
    if (typeof value !== 'string' || !value.trim()) throw new Error(`${where}: the '${rawKey}' command is empty`);
    commands[key as NodeAction] = value.trim();
  }
  if (Object.keys(commands).length === 0)
    throw new Error(`${where}: no command given; expected some of ${NODE_ACTIONS.join(', ')}`);
  return { commands, readyTimeoutMs, commandTimeoutMs };
}

/**
 * Parses `--node-control`: either `ACTION=COMMAND,ACTION=COMMAND…` (a comma starts a new pair
 * only before a known key, so commands may contain commas) or `@FILE`, a JSON object of the
 * same keys (`{"kill": "docker kill b%i", "start": "docker start b%i", "readyTimeoutMs": 90000}`).
 *
 * @throws Error with a one-line reason on an unknown key, an empty command or an unreadable file
 */
export function parseNodeControl(value: string): NodeCommands {
  const v = value.trim();
  if (v.startsWith('@')) {
    const file = v.slice(1);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(
        `--node-control ${v}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`--node-control ${v}: ${file} is not JSON (${(err as Error).message})`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw new Error(`--node-control ${v}: ${file} must hold a JSON object of action: command`);
    return nodeControlFromJson(json, `--node-control ${file}`);
  }
  const pairs = v.split(new RegExp(`,(?=\\s*(?:${KEYS.join('|')})=)`));
  return build(
    pairs.map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0)
        throw new Error(`--node-control: '${pair}' is not ACTION=COMMAND (actions: ${NODE_ACTIONS.join(', ')})`);
      return [pair.slice(0, eq).trim(), pair.slice(eq + 1)] as const;
    }),
    '--node-control',
  );
}

/**
 * The commands as a JSON object of the `@FILE` form (templates as given, `%i` unexpanded, and both
 * timeouts): what a run stores as `nodeControl` in config.json, so `kconform replay` can run them again.
 */
export function nodeControlToJson(nc: NodeCommands): Record<string, string | number> {
  return { ...nc.commands, readyTimeoutMs: nc.readyTimeoutMs, commandTimeoutMs: nc.commandTimeoutMs };
}

/**
 * Validates a JSON object of the `@FILE` form (a file's content, or config.json's `nodeControl`).
 *
 * @param where names the source in the error (e.g. the file)
 * @throws Error with a one-line reason on anything but an object of known keys and non-empty commands
 */
export function nodeControlFromJson(json: unknown, where: string): NodeCommands {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error(`${where} must be a JSON object of action: command`);
  return build(Object.entries(json), where);
}

/** `template` with `%i` replaced by the node id and `%%` by `%`. */
export function nodeCommand(template: string, nodeId: number): string {
  return template.replace(/%([i%])/g, (_, c: string) => (c === 'i' ? String(nodeId) : '%'));
}

/**
 * Runs `action`'s command for node `nodeId` with `sh -c`.
 *
 * @throws Error naming the command, its exit and its last line of stderr, when it fails or runs too long
 */
export function runNodeCommand(commands: NodeCommands, action: NodeAction, nodeId: number): Promise<void> {
  const template = commands.commands[action];
  if (!template) return Promise.reject(new Error(`no --node-control ${action} command`));
  const command = nodeCommand(template, nodeId);
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => void (stderr = (stderr + d).slice(-4096)));
    const timer = setTimeout(() => child.kill('SIGKILL'), commands.commandTimeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`node-control ${action} for node ${nodeId} (${command}) could not run: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const last = stderr.trim().split('\n').pop() ?? '';
      const how = signal
        ? `was stopped by ${signal}${signal === 'SIGKILL' ? ` after ${commands.commandTimeoutMs} ms` : ''}`
        : `exited with code ${code}`;
      reject(new Error(`node-control ${action} for node ${nodeId} (${command}) ${how}${last ? `: ${last}` : ''}`));
    });
  });
}
