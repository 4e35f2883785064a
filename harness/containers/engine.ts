/**
 * Finds the container engine the container target talks to: a Docker daemon or podman's
 * Docker-compatible API service, reached through `DOCKER_HOST` or one of the usual sockets.
 * testcontainers finds an engine on its own too, but says little when there is none; this
 * module turns "no engine" into an exit-code-3 message that says what to install and start.
 */
import { request } from 'node:http';
import { existsSync } from 'node:fs';

/** The API socket `.ci/install-podman.sh` starts (`podman system service`). */
export const PODMAN_ROOT_SOCKET = '/run/podman/podman.sock';
/** Docker's default socket. */
export const DOCKER_SOCKET = '/var/run/docker.sock';

/** A container engine that answered its API. */
export interface ContainerEngine {
  /** `docker` for a Docker daemon, `podman` for podman's compatible service. */
  readonly kind: 'docker' | 'podman';
  /** What clients put in `DOCKER_HOST`, e.g. `unix:///run/podman/podman.sock`. */
  readonly dockerHost: string;
  /** The engine's version string from `/version`. */
  readonly version: string;
  /**
   * Environment testcontainers needs for this engine. With podman: the reaper (Ryuk) is off
   * because its image would come from a registry, and the host is pinned to 127.0.0.1 because
   * testcontainers would otherwise pick podman's bridge address for mapped ports.
   */
  readonly testcontainersEnv: Readonly<Record<string, string>>;
}

/** No engine could be reached; the message says what to install and how to start it. Exit 3. */
export class ContainerEngineUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerEngineUnavailableError';
  }
}

/** What to do when there is no engine; part of every {@link ContainerEngineUnavailableError}. */
export const ENGINE_INSTALL_HINT =
  'install and start a container engine: as root run `bash .ci/install-podman.sh` ' +
  '(apt-get install -y podman runc; /etc/containers/containers.conf as in DESIGN.md; ' +
  `podman system service --time=0 unix://${PODMAN_ROOT_SOCKET} &), ` +
  'or start a Docker daemon; then set DOCKER_HOST if its socket is elsewhere';

/** Where an engine API may answer: a unix socket path or an http://host:port base. */
export type EngineEndpoint = { readonly socketPath: string } | { readonly baseUrl: string };

/** Turns a `DOCKER_HOST` value into an endpoint; undefined for schemes we cannot ping (ssh, npipe). */
export function endpointOf(dockerHost: string): EngineEndpoint | undefined {
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  if (dockerHost.startsWith('tcp://')) return { baseUrl: `http://${dockerHost.slice('tcp://'.length)}` };
  return undefined;
}

/** One GET against the engine API; rejects on a non-2xx status or after `timeoutMs`. */
export function engineGet(endpoint: EngineEndpoint, path: string, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const where =
      'socketPath' in endpoint
        ? { socketPath: endpoint.socketPath, path }
        : (({ hostname, port }) => ({ hostname, port, path }))(new URL(endpoint.baseUrl));
    const req = request({ ...where, method: 'GET', timeout: timeoutMs, headers: { host: 'engine' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) resolve(body);
        else reject(new Error(`GET ${path}: HTTP ${res.statusCode}: ${body.slice(0, 200)}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

interface VersionAnswer {
  Version?: string;
  Components?: { Name?: string; Version?: string }[];
}

/** Reads `/version` and tells podman from Docker by the components it lists. */
export function parseVersionAnswer(body: string): { kind: 'docker' | 'podman'; version: string } {
  const v = JSON.parse(body) as VersionAnswer;
  const podman = v.Components?.find((c) => /podman/i.test(c.Name ?? ''));
  return podman
    ? { kind: 'podman', version: podman.Version ?? v.Version ?? '?' }
    : { kind: 'docker', version: v.Version ?? '?' };
}

/** Options of {@link detectEngine}; the defaults look at this machine. */
export interface DetectEngineOptions {
  env?: NodeJS.ProcessEnv;
  /** Sockets tried, in order, when `DOCKER_HOST` is unset. */
  sockets?: readonly string[];
  /** Per-candidate limit for the API to answer. */
  timeoutMs?: number;
  /** Seam for tests: the GET used to ping and ask for `/version`. */
  get?: (endpoint: EngineEndpoint, path: string, timeoutMs: number) => Promise<string>;
  /** Seam for tests: whether a socket file exists. */
  exists?: (path: string) => boolean;
}

/** The sockets tried when `DOCKER_HOST` is unset: Docker's, root podman's, then rootless podman's. */
export function defaultSockets(env: NodeJS.ProcessEnv = process.env): string[] {
  const sockets = [DOCKER_SOCKET, PODMAN_ROOT_SOCKET];
  if (env.XDG_RUNTIME_DIR) sockets.push(`${env.XDG_RUNTIME_DIR}/podman/podman.sock`);
  return sockets;
}

/**
 * Finds an engine that answers: `DOCKER_HOST` if set (and only it: a user who names an engine
 * means that one), else the first of {@link defaultSockets} that answers `/_ping`.
 * @throws ContainerEngineUnavailableError naming what was tried and what to install.
 */
export async function detectEngine(opts: DetectEngineOptions = {}): Promise<ContainerEngine> {
  const env = opts.env ?? process.env;
  const get = opts.get ?? engineGet;
  const exists = opts.exists ?? existsSync;
  const timeoutMs = opts.timeoutMs ?? 2_000;

  const candidates: string[] = env.DOCKER_HOST
    ? [env.DOCKER_HOST]
    : (opts.sockets ?? defaultSockets(env)).filter((s) => exists(s)).map((s) => `unix://${s}`);
  const tried: string[] = [];
  for (const dockerHost of candidates) {
    const endpoint = endpointOf(dockerHost);
    if (!endpoint) {
      // ssh:// and npipe:// engines: testcontainers reaches them; we cannot ping them first.
      return { kind: 'docker', dockerHost, version: '?', testcontainersEnv: { DOCKER_HOST: dockerHost } };
    }
    try {
      await get(endpoint, '/_ping', timeoutMs);
      const { kind, version } = parseVersionAnswer(await get(endpoint, '/version', timeoutMs));
      const testcontainersEnv: Record<string, string> = { DOCKER_HOST: dockerHost };
      if (kind === 'podman') {
        testcontainersEnv.TESTCONTAINERS_RYUK_DISABLED = 'true';
        testcontainersEnv.TESTCONTAINERS_HOST_OVERRIDE = '127.0.0.1';
      }
      return { kind, dockerHost, version, testcontainersEnv };
    } catch (err) {
      tried.push(`${dockerHost} (${(err as Error).message})`);
    }
  }
  const where = env.DOCKER_HOST
    ? `DOCKER_HOST=${env.DOCKER_HOST} does not answer: ${tried.join('; ')}`
    : tried.length
      ? `no container engine answers: ${tried.join('; ')}`
      : `no container engine found (DOCKER_HOST is unset and none of ${(opts.sockets ?? defaultSockets(env)).join(', ')} exists)`;
  throw new ContainerEngineUnavailableError(`${where}; ${ENGINE_INSTALL_HINT}`);
}

/**
 * Puts the engine's settings into `process.env` for testcontainers, which reads them once,
 * when it first connects. Settings the user already made win.
 */
export function useEngine(engine: ContainerEngine, env: NodeJS.ProcessEnv = process.env): void {
  for (const [key, value] of Object.entries(engine.testcontainersEnv)) {
    if (env[key] === undefined) env[key] = value;
  }
}
