/**
 * The target kinds kconform knows, and the one place they are listed. Spec parsing, the
 * `--target` help, the reasons a target cannot start and `startTarget` all go through here, so
 * a new kind is a folder beside this file plus one line in {@link BUILT_IN_KINDS}.
 */
import { resolve } from 'node:path';
import { containerKind } from './container/container-kind.ts';
import { externalKind } from './external/external-kind.ts';
import { kafkaKind } from './kafka/kafka-kind.ts';
import { referenceKind } from './reference/reference-kind.ts';
import {
  TargetSpecError,
  TargetUnavailableError,
  type StartContext,
  type StartedTarget,
  type StartTargetOptions,
  type TargetKind,
  type TargetSpecBase,
} from './target-kind.ts';

/** The kinds built in, in the order help lists them (the first is the default target). */
const BUILT_IN_KINDS = [referenceKind, kafkaKind, containerKind, externalKind] as const;

type SpecOf<K> = K extends TargetKind<infer S> ? S : never;

/** A parsed `--target` SPEC: one of the built-in kinds' specs, told apart by `kind`. */
export type TargetSpec = SpecOf<(typeof BUILT_IN_KINDS)[number]>;

const kinds = new Map<string, TargetKind>(BUILT_IN_KINDS.map((k) => [k.name, k]));

/** Every registered kind, built-in ones first. */
export function targetKinds(): readonly TargetKind[] {
  return [...kinds.values()];
}

/**
 * Adds a kind (a test's fake, a plug-in); returns the function that removes it again.
 *
 * @throws Error when a kind of that name is registered already
 */
export function registerTargetKind<S extends TargetSpecBase>(kind: TargetKind<S>): () => void {
  if (kinds.has(kind.name)) throw new Error(`target kind '${kind.name}' is registered already`);
  kinds.set(kind.name, kind);
  return () => {
    if (kinds.get(kind.name) === kind) kinds.delete(kind.name);
  };
}

/** The kinds with a capability (`knownBugs`: the reference kind), for messages that say where it exists. */
export function kindsWith(capability: 'knownBugs' | 'nodeControl' | 'networkLab' | 'shrinkByDefault'): TargetKind[] {
  return targetKinds().filter((k) => k.capabilities[capability]);
}

/** The kind that parsed `spec`. */
export function kindOf(spec: TargetSpecBase): TargetKind {
  const kind = kinds.get(spec.kind);
  if (!kind) throw new Error(`no target kind '${spec.kind}' is registered`);
  return kind;
}

/** What `--target` accepts, on one line: every kind's forms (`reference | kafka[@VERSION[,zk]] … | …`). */
export function targetSpecHelp(): string {
  return targetKinds()
    .map((k) => k.syntax)
    .join(' | ');
}

/** One line per kind, for the text under a command's help: its forms and what it is. */
export function targetKindsHelp(): string {
  const list = targetKinds();
  const width = Math.max(...list.map((k) => k.syntax.length));
  return ['Targets (--target SPEC):', ...list.map((k) => `  ${k.syntax.padEnd(width)}  ${k.help}`)].join('\n');
}

/**
 * Parses a target spec (`NAME` or `NAME@ARG`).
 *
 * @throws TargetSpecError whose one-line message says what is wrong (for an unknown kind: the registered ones)
 */
export function parseTargetSpec(text: string): TargetSpec {
  const s = text.trim();
  const at = s.indexOf('@');
  const name = at < 0 ? s : s.slice(0, at);
  const kind = kinds.get(name);
  if (!kind) {
    const names = targetKinds().map((k) => k.syntax.split(' ')[0]!);
    throw new TargetSpecError(
      `unknown target '${text}': expected ${names.slice(0, -1).join(', ')}${names.length > 1 ? ' or ' : ''}${names.at(-1)}`,
    );
  }
  return kind.parse(at < 0 ? undefined : s.slice(at + 1), text) as TargetSpec;
}

/**
 * Splits a comma-separated list of specs where a spec may itself hold a comma
 * (`reference,kafka@3.9.2,zk`): a part that does not name a kind continues the spec before it
 * when that spec then still parses.
 */
export function splitTargetSpecs(value: string): string[] {
  const specs: string[] = [];
  for (const part of value.split(',').map((s) => s.trim())) {
    if (!part) continue;
    const previous = specs.at(-1);
    const namesKind = kinds.has(part.split('@')[0]!);
    if (previous !== undefined && !namesKind && parses(`${previous},${part}`))
      specs[specs.length - 1] = `${previous},${part}`;
    else specs.push(part);
  }
  return specs;
}

function parses(text: string): boolean {
  try {
    parseTargetSpec(text);
    return true;
  } catch {
    return false;
  }
}

/** Why the target of `spec` cannot start here with `options` (with what to install), or undefined. */
export async function targetUnavailable(
  spec: TargetSpecBase,
  options: StartTargetOptions = {},
): Promise<string | undefined> {
  return (await kindOf(spec).builder()).unavailable(spec, options);
}

/**
 * Starts (or, for external targets, names) the target of a run and waits until it is ready;
 * logs and node data go under `runDir`.
 *
 * @throws TargetUnavailableError when it cannot be started or reached, or the options ask what its kind cannot do
 */
export async function startTarget<S extends TargetSpecBase = TargetSpec>(
  spec: S,
  runDir: string,
  options: StartTargetOptions = {},
): Promise<StartedTarget<S>> {
  const kind = kindOf(spec) as TargetKind<S>;
  if (options.bugs?.size && !kind.capabilities.knownBugs)
    throw new TargetUnavailableError('known bugs (--bug) exist only in the reference broker');
  const context: StartContext = { ...options, brokers: options.brokers ?? 1, runDir: resolve(runDir) };
  const max = kind.capabilities.maxBrokers;
  if (max !== undefined && context.brokers > max)
    throw new TargetUnavailableError(`${kind.name} targets start at most ${max} brokers (asked: ${context.brokers})`, {
      badSpec: true,
    });
  const builder = await kind.builder();
  const missing = await builder.unavailable(spec, options);
  if (missing) throw new TargetUnavailableError(missing);
  const explained = (err: unknown): never => {
    throw builder.explainFailure(err) ?? err;
  };
  const started = await builder.start(spec, context).catch(explained);
  try {
    for (const wait of builder.waitStrategies(spec, context)) await wait.waitUntilReady(started.bootstrap);
  } catch (err) {
    await started.stop().catch(() => undefined);
    explained(err);
  }
  return started;
}
