/**
 * `kconform image build`: makes the local Kafka image the container target runs where no image
 * registry is reachable. Two steps, each skipped when its image already exists (unless rebuilt):
 *
 * 1. `localhost/kconform-jre:17` — `debootstrap --variant=minbase --include=openjdk-17-jre-headless`
 *    from the mirror the machine's apt sources name, pruned of apt caches and docs, imported
 *    into the engine as a single-layer image (about 30 s to a few minutes, ~300 MB).
 * 2. `localhost/kconform-kafka:VERSION` — the cached release jars (`resolveKafka`) and the
 *    entrypoint copied onto the JRE image; a few seconds.
 *
 * No registry is contacted: the base comes from Debian's package mirror, the jars from the
 * Maven cache, and builds run with `--pull=never`.
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { copyFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { LATEST_KAFKA_VERSION, resolveKafka, type ResolveKafkaOptions } from '../kafka-dist/resolve-kafka.ts';
import { logConfigFor } from '../kafka-dist/log-config.ts';
import { parseKafkaVersion } from '../kafka-dist/kafka-version.ts';
import { debianMirror } from './debian-mirror.ts';
import { ContainerEngineUnavailableError, detectEngine, ENGINE_INSTALL_HINT } from './engine.ts';
import {
  BASE_SUITE,
  checkImageVersion,
  ENTRYPOINT_FILE,
  IMAGE_LABEL,
  JRE_IMAGE_LAYOUT,
  JRE_IMAGE,
  JRE_IMPORT_CHANGES,
  JRE_PACKAGES,
  KAFKA_IMAGE_LAYOUT,
  kafkaContainerfile,
  kafkaImageName,
  ROOTFS_PRUNE,
} from './image-files.ts';

const run = promisify(execFile);

/** A build step could not run (missing tool, not root, a command failed). Exit code 3. */
export class ImageBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageBuildError';
  }
}

/** Options of {@link buildImages}. */
export interface ImageBuildOptions {
  /** Kafka release; default {@link LATEST_KAFKA_VERSION}. */
  kafka?: string;
  /** Build both images again even when they exist. */
  rebuild?: boolean;
  /** Debian mirror for debootstrap; default from the apt sources (see debian-mirror.ts). */
  mirror?: string;
  /** Engine CLI (`podman` or `docker`); default: the one matching the engine that answers. */
  cli?: string;
  /** Progress lines; default stderr. */
  log?: (line: string) => void;
  /** Passed to `resolveKafka` (cache dir, Maven settings). */
  resolve?: ResolveKafkaOptions;
}

/** What {@link buildImages} did. */
export interface ImageBuildResult {
  readonly jreImage: string;
  readonly kafkaImage: string;
  /** Whether each image was built now (false: it existed and was kept). */
  readonly builtJre: boolean;
  readonly builtKafka: boolean;
  readonly jreSeconds: number;
  readonly kafkaSeconds: number;
}

/** The absolute path of `name` on PATH, or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Picks the CLI that writes into the store the container target reads: the engine that answers
 * decides; with none answering, podman still builds (it needs no daemon) and the service is
 * started later.
 */
async function chooseCli(): Promise<string> {
  const engine = await detectEngine().catch(() => undefined);
  const preferred = engine?.kind === 'docker' ? ['docker', 'podman'] : ['podman', 'docker'];
  for (const name of preferred) {
    if (findOnPath(name)) return name;
  }
  throw new ContainerEngineUnavailableError(`neither podman nor docker is installed; ${ENGINE_INSTALL_HINT}`);
}

/** The kconform layout label of `image`, or undefined when the image does not exist. */
export async function imageLayout(cli: string, image: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(cli, [
      'image',
      'inspect',
      '--format',
      `{{ index .Config.Labels "${IMAGE_LABEL}" }}`,
      image,
    ]);
    return stdout.trim();
  } catch {
    return undefined;
  }
}

async function imageId(cli: string, image: string): Promise<string | undefined> {
  try {
    return (await run(cli, ['image', 'inspect', '--format', '{{.Id}}', image])).stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a command, handing each output line to `onLine`; rejects with the last lines on failure.
 * `stdinFrom` pipes another process's stdout in (tar | import).
 */
function runStreaming(
  command: string,
  args: readonly string[],
  onLine: (line: string) => void,
  opts: { stdinFrom?: NodeJS.ReadableStream; cwd?: string } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, stdio: [opts.stdinFrom ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    if (opts.stdinFrom && child.stdin) opts.stdinFrom.pipe(child.stdin);
    const tail: string[] = [];
    const take = (chunk: Buffer, carry: { rest: string }) => {
      const lines = (carry.rest + chunk.toString('utf8')).split('\n');
      carry.rest = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 30) tail.shift();
        onLine(line);
      }
    };
    const out = { rest: '' };
    const err = { rest: '' };
    child.stdout!.on('data', (c: Buffer) => take(c, out));
    child.stderr!.on('data', (c: Buffer) => take(c, err));
    child.on('error', (e) => reject(new ImageBuildError(`${command}: ${e.message}`)));
    child.on('close', (code, signal) => {
      for (const rest of [out.rest, err.rest]) if (rest) tail.push(rest);
      if (code === 0) resolve();
      else
        reject(
          new ImageBuildError(
            `${command} ${args.slice(0, 3).join(' ')} … exited with ${code ?? signal}:\n${tail.join('\n')}`,
          ),
        );
    });
  });
}

/** Unmounts whatever debootstrap left mounted inside `rootfs` (proc, sys) so removing it is safe. */
async function unmountInside(rootfs: string): Promise<boolean> {
  const mounts = (await readFile('/proc/self/mounts', 'utf8').catch(() => ''))
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(`${rootfs}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await run('umount', ['-l', m]).catch(() => undefined);
  const left = (await readFile('/proc/self/mounts', 'utf8').catch(() => '')).includes(` ${rootfs}/`);
  return !left;
}

/** Progress of a debootstrap run, condensed from its per-package lines. */
class DebootstrapProgress {
  private readonly counts = new Map<string, number>();
  private last = '';
  private readonly log: (line: string) => void;
  constructor(log: (line: string) => void) {
    this.log = log;
  }

  line(text: string): void {
    const m =
      /^I: (Retrieving|Validating|Extracting|Unpacking|Configuring|Installing|Resolving|Checking|Found|Base system installed)\b/.exec(
        text,
      );
    if (m && ['Retrieving', 'Validating', 'Extracting', 'Unpacking', 'Configuring'].includes(m[1]!)) {
      this.counts.set(m[1]!, (this.counts.get(m[1]!) ?? 0) + 1);
      this.last = text.slice(3);
      return;
    }
    if (text.startsWith('I: ') || text.startsWith('E: ') || text.startsWith('W: '))
      this.log(`  debootstrap: ${text.slice(3)}`);
  }

  summary(): string {
    const parts = [...this.counts].map(([k, n]) => `${k.toLowerCase()} ${n}`);
    return `${parts.join(', ') || 'starting'}${this.last ? `; last: ${this.last}` : ''}`;
  }
}

/** Builds {@link JRE_IMAGE} from a debootstrap root filesystem. */
async function buildJreImage(cli: string, mirror: string, log: (line: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new ImageBuildError(
      'building the JRE base image runs debootstrap, which needs root (run `sudo kconform image build`)',
    );
  }
  const debootstrap =
    findOnPath('debootstrap') ??
    ['/usr/sbin/debootstrap', '/sbin/debootstrap'].find((p) => {
      try {
        accessSync(p, fsConstants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  if (!debootstrap)
    throw new ImageBuildError(
      'debootstrap is not installed: apt-get install -y debootstrap (or run .ci/install-podman.sh)',
    );

  const work = await mkdtemp(join(tmpdir(), 'kconform-rootfs-'));
  const rootfs = join(work, 'rootfs');
  const started = Date.now();
  const progress = new DebootstrapProgress(log);
  // debootstrap prints one line per package; a heartbeat says how far it is instead.
  const heartbeat = setInterval(
    () => log(`  … ${Math.round((Date.now() - started) / 1000)} s: ${progress.summary()}`),
    15_000,
  );
  try {
    log(`debootstrap ${BASE_SUITE} (minbase + ${JRE_PACKAGES.join(', ')}) from ${mirror} into ${rootfs}`);
    await runStreaming(
      debootstrap,
      ['--variant=minbase', `--include=${JRE_PACKAGES.join(',')}`, BASE_SUITE, rootfs, mirror],
      (line) => progress.line(line),
    );
    clearInterval(heartbeat);
    log(`  debootstrap done in ${Math.round((Date.now() - started) / 1000)} s (${progress.summary()})`);
    for (const p of ROOTFS_PRUNE) {
      await rm(join(rootfs, p), { recursive: true, force: true });
    }
    log(`importing the root filesystem as ${JRE_IMAGE}`);
    const tar = spawn('tar', ['-C', rootfs, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const tarDone = new Promise<void>((resolve, reject) =>
      tar.on('close', (code) =>
        code === 0 ? resolve() : reject(new ImageBuildError(`tar of ${rootfs} exited with ${code}`)),
      ),
    );
    const changes = JRE_IMPORT_CHANGES.flatMap((c) => ['--change', c]);
    await runStreaming(cli, ['import', ...changes, '-', JRE_IMAGE], () => undefined, { stdinFrom: tar.stdout! });
    await tarDone;
  } finally {
    clearInterval(heartbeat);
    if (await unmountInside(rootfs)) await rm(work, { recursive: true, force: true });
    else log(`  left ${work} in place: something is still mounted inside it`);
  }
}

/** Builds `localhost/kconform-kafka:VERSION` on the JRE image. */
async function buildKafkaImage(
  cli: string,
  version: string,
  log: (line: string) => void,
  resolve: ResolveKafkaOptions | undefined,
): Promise<void> {
  const dist = await resolveKafka(version, { ...resolve, log: resolve?.log ?? log });
  const ctx = await mkdtemp(join(tmpdir(), 'kconform-image-'));
  try {
    const logConfig = logConfigFor(parseKafkaVersion(version)).fileName;
    await cp(dist.libDir, join(ctx, 'lib'), { recursive: true });
    await copyFile(join(dist.home, logConfig), join(ctx, logConfig));
    await copyFile(join(import.meta.dirname, ENTRYPOINT_FILE), join(ctx, ENTRYPOINT_FILE));
    await writeFile(join(ctx, 'Containerfile'), kafkaContainerfile(version));
    const image = kafkaImageName(version);
    log(`building ${image} from ${JRE_IMAGE} and the cached jars in ${dist.libDir}`);
    const pull = cli.endsWith('podman') ? ['--pull=never'] : [];
    const previous = await imageId(cli, image);
    await runStreaming(cli, ['build', ...pull, '-f', join(ctx, 'Containerfile'), '-t', image, ctx], (line) => {
      if (/^(STEP|COMMIT|Successfully|#\d+ \[)/.test(line)) log(`  ${line}`);
    });
    // The image the tag pointed to before is now untagged: 350 MB nobody will use again.
    if (previous && previous !== (await imageId(cli, image))) await run(cli, ['rmi', previous]).catch(() => undefined);
  } finally {
    await rm(ctx, { recursive: true, force: true });
  }
}

/**
 * Builds whichever of the JRE and Kafka images is missing (or both, with `rebuild`).
 * @throws ImageBuildError, ContainerEngineUnavailableError, KafkaResolveError, RangeError
 */
export async function buildImages(opts: ImageBuildOptions = {}): Promise<ImageBuildResult> {
  const version = opts.kafka ?? LATEST_KAFKA_VERSION;
  checkImageVersion(version);
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cli = opts.cli ?? (await chooseCli());
  const kafkaImage = kafkaImageName(version);

  let builtJre = false;
  let jreSeconds = 0;
  if (opts.rebuild || (await imageLayout(cli, JRE_IMAGE)) !== JRE_IMAGE_LAYOUT) {
    const t0 = Date.now();
    await buildJreImage(cli, opts.mirror ?? debianMirror(BASE_SUITE), log);
    jreSeconds = (Date.now() - t0) / 1000;
    builtJre = true;
    log(`built ${JRE_IMAGE} in ${jreSeconds.toFixed(0)} s`);
  } else {
    log(`${JRE_IMAGE} exists (use --rebuild to build it again)`);
  }

  let builtKafka = false;
  let kafkaSeconds = 0;
  // A new base image makes the Kafka image on the old one stale.
  if (builtJre || (await imageLayout(cli, kafkaImage)) !== KAFKA_IMAGE_LAYOUT) {
    const t0 = Date.now();
    await buildKafkaImage(cli, version, log, opts.resolve);
    kafkaSeconds = (Date.now() - t0) / 1000;
    builtKafka = true;
    log(`built ${kafkaImage} in ${kafkaSeconds.toFixed(0)} s`);
  } else {
    log(`${kafkaImage} exists (use --rebuild to build it again)`);
  }
  return { jreImage: JRE_IMAGE, kafkaImage, builtJre, builtKafka, jreSeconds, kafkaSeconds };
}
