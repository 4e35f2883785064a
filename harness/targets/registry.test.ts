import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  kindOf,
  parseTargetSpec,
  registerTargetKind,
  splitTargetSpecs,
  startTarget,
  targetKinds,
  targetKindsHelp,
  targetSpecHelp,
} from './registry.ts';
import { noFaults } from './started-handle.ts';
import {
  TargetSpecError,
  TargetUnavailableError,
  type StartedTarget,
  type TargetBuilder,
  type TargetKind,
} from './target-kind.ts';

interface FakeSpec {
  readonly kind: 'fake';
  readonly flavour: string;
}

/** What the fake kind was asked to do, and what it should answer. */
interface FakeScript {
  calls: string[];
  missing?: string;
  waitFails?: boolean;
  startThrows?: Error;
}

/** A kind that starts nothing: a test registers it and sees it everywhere kinds are listed. */
function fakeKind(script: FakeScript): TargetKind<FakeSpec> {
  return {
    name: 'fake',
    syntax: 'fake@FLAVOUR',
    help: 'a kind made up by this test',
    capabilities: {
      maxBrokers: 2,
      faults: [],
      faultsNote: 'none',
      knownBugs: false,
      nodeControl: false,
      networkLab: false,
      shrinkByDefault: false,
    },
    parse(arg, text) {
      if (!arg) throw new TargetSpecError(`bad target '${text}': expected fake@FLAVOUR`);
      return { kind: 'fake', flavour: arg };
    },
    kafkaRelease: () => undefined,
    builder: async () => fakeBuilder(script),
  };
}

/** The fake kind's builder: it records what it is asked and answers as the script says. */
function fakeBuilder(script: FakeScript): TargetBuilder<FakeSpec> {
  return {
    async unavailable() {
      script.calls.push('unavailable');
      return script.missing;
    },
    async start(spec, c): Promise<StartedTarget<FakeSpec>> {
      script.calls.push(`start ${c.brokers}`);
      if (script.startThrows) throw script.startThrows;
      const stop = async () => {
        script.calls.push('stop');
      };
      return {
        spec,
        bootstrap: 'fake:1',
        fresh: true,
        logFiles: [],
        nodes: [],
        faults: noFaults('fake', 'made up'),
        stop,
        [Symbol.asyncDispose]: stop,
      };
    },
    waitStrategies: () => [
      {
        description: 'the script says so',
        async waitUntilReady(bootstrap) {
          script.calls.push(`wait ${bootstrap}`);
          if (script.waitFails) throw new TargetUnavailableError(`${bootstrap} never became ready`);
        },
      },
    ],
    explainFailure: (err) =>
      err instanceof RangeError ? new TargetUnavailableError(`fake: ${err.message}`) : undefined,
  };
}

const BUILT_IN = ['reference', 'kafka', 'container', 'external'];

describe('the target kind registry', () => {
  let unregister = () => {};
  afterEach(() => unregister());

  it('lists the built-in kinds, reference (the default) first', () => {
    expect(targetKinds().map((k) => k.name)).toEqual(BUILT_IN);
  });

  it('help names every registered kind, in the one-line form and one line each', () => {
    const line = targetSpecHelp();
    const block = targetKindsHelp().split('\n');
    for (const kind of targetKinds()) {
      expect(line).toContain(kind.syntax);
      expect(block.some((l) => l.includes(kind.syntax) && l.includes(kind.help))).toBe(true);
    }
    expect(line.split(' | ')).toHaveLength(targetKinds().length);
  });

  it("an unknown kind's error names every registered kind", () => {
    let message = '';
    try {
      parseTargetSpec('redpanda@24.1');
    } catch (err) {
      expect(err).toBeInstanceOf(TargetSpecError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^unknown target 'redpanda@24\.1': expected /);
    for (const name of BUILT_IN) expect(message).toContain(name);
    expect(message).toBe(
      "unknown target 'redpanda@24.1': expected reference, kafka[@VERSION[,zk]], container[@IMAGE] or external@HOST:PORT",
    );
  });

  it('a kind registered elsewhere appears in parsing, help and errors with no other edit', () => {
    expect(() => parseTargetSpec('fake@x')).toThrow(/unknown target/);
    unregister = registerTargetKind(fakeKind({ calls: [] }));
    expect(parseTargetSpec(' fake@vanilla ')).toEqual({ kind: 'fake', flavour: 'vanilla' });
    expect(() => parseTargetSpec('fake')).toThrow("bad target 'fake': expected fake@FLAVOUR");
    expect(kindOf({ kind: 'fake' }).name).toBe('fake');
    expect(targetSpecHelp()).toContain('fake@FLAVOUR');
    expect(targetKindsHelp()).toContain('a kind made up by this test');
    expect(() => parseTargetSpec('nope')).toThrow(/external@HOST:PORT or fake@FLAVOUR$/);
    expect(splitTargetSpecs('fake@a,kafka@3.9.2,zk,fake@b')).toEqual(['fake@a', 'kafka@3.9.2,zk', 'fake@b']);
    unregister();
    expect(() => parseTargetSpec('fake@x')).toThrow(/unknown target/);
    expect(targetSpecHelp()).not.toContain('fake');
  });

  it('refuses a second kind of the same name', () => {
    expect(() => registerTargetKind({ ...fakeKind({ calls: [] }), name: 'kafka' })).toThrow(
      "target kind 'kafka' is registered already",
    );
  });

  it('startTarget starts through the kind, then runs its wait strategies on the bootstrap', async () => {
    const script: FakeScript = { calls: [] };
    unregister = registerTargetKind(fakeKind(script));
    await using target = await startTarget(parseTargetSpec('fake@a'), '/tmp', { brokers: 2 });
    expect(target.bootstrap).toBe('fake:1');
    expect(script.calls).toEqual(['unavailable', 'start 2', 'wait fake:1']);
  });

  it("says the kind's prerequisite reason (exit 3) without starting anything", async () => {
    const script: FakeScript = { calls: [], missing: 'fakectl not found: install it with apt-get install fakectl' };
    unregister = registerTargetKind(fakeKind(script));
    const err = await startTarget(parseTargetSpec('fake@a'), '/tmp').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetUnavailableError);
    expect((err as TargetUnavailableError).message).toBe(script.missing);
    expect((err as TargetUnavailableError).badSpec).toBe(false);
    expect(script.calls).toEqual(['unavailable']);
  });

  it('stops a target whose wait strategy fails, and reports why', async () => {
    const script: FakeScript = { calls: [], waitFails: true };
    unregister = registerTargetKind(fakeKind(script));
    await expect(startTarget(parseTargetSpec('fake@a'), '/tmp')).rejects.toThrow(
      new TargetUnavailableError('fake:1 never became ready'),
    );
    expect(script.calls).toEqual(['unavailable', 'start 1', 'wait fake:1', 'stop']);
  });

  it("maps a start failure through the kind's explainFailure, and rethrows what it does not know", async () => {
    unregister = registerTargetKind(fakeKind({ calls: [], startThrows: new RangeError('no port') }));
    await expect(startTarget(parseTargetSpec('fake@a'), '/tmp')).rejects.toThrow(
      new TargetUnavailableError('fake: no port'),
    );
    unregister();
    const bug = new TypeError('a bug');
    unregister = registerTargetKind(fakeKind({ calls: [], startThrows: bug }));
    await expect(startTarget(parseTargetSpec('fake@a'), '/tmp')).rejects.toBe(bug);
  });

  it('refuses more brokers than the kind starts (a wrong spec: exit 2), and bugs where the kind has none', async () => {
    const script: FakeScript = { calls: [] };
    unregister = registerTargetKind(fakeKind(script));
    const err = await startTarget(parseTargetSpec('fake@a'), '/tmp', { brokers: 3 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ message: 'fake targets start at most 2 brokers (asked: 3)', badSpec: true });
    await expect(
      startTarget(parseTargetSpec('fake@a'), '/tmp', { bugs: new Set(['drop-acked-write']) }),
    ).rejects.toThrow('known bugs (--bug) exist only in the reference broker');
    expect(script.calls).toEqual([]);
  });
});

/** Source files of kconform outside harness/targets/ (tests excluded: they may name kinds in fixtures; dist/ is built from the sources). */
function sourcesOutsideTargets(): string[] {
  const root = join(import.meta.dirname, '..', '..');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (!['node_modules', 'runs', 'test', '.git'].includes(e.name) && path !== join(root, 'harness', 'targets'))
          walk(path);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(path);
    }
  };
  for (const top of readdirSync(root, { withFileTypes: true })) {
    if (
      top.isDirectory() &&
      !['node_modules', 'runs', 'test', 'docs', 'dist', '.git'].includes(top.name) &&
      !top.name.startsWith('.')
    )
      walk(join(root, top.name));
  }
  return out.map((p) => relative(root, p));
}

describe('kinds are known only to the registry and their folders', () => {
  it('no code outside harness/targets/ tests a spec against a kind name', () => {
    const root = join(import.meta.dirname, '..', '..');
    const names = targetKinds()
      .map((k) => k.name)
      .join('|');
    // `spec.kind === 'kafka'`, `case 'external':`, `{ kind: 'container' }`: what a switch over kinds looks like
    const test = new RegExp(`(kind\\s*[!=]==?\\s*'(${names})'|case\\s+'(${names})'\\s*:|kind:\\s*'(${names})')`);
    const offenders = sourcesOutsideTargets().flatMap((file) =>
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (test.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });
});
