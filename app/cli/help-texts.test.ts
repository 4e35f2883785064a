import { afterEach, describe, expect, it } from 'vitest';
import { registerTargetKind, targetKinds } from '../../harness/targets/registry.ts';
import { TargetSpecError } from '../../harness/targets/target-kind.ts';
import { commandHelpAfter, DEFAULT_TARGET, NODE_CONTROL_TARGETS, TARGET_SPEC_HELP } from './help-texts.ts';

describe('target help comes from the registry', () => {
  let unregister = () => {};
  afterEach(() => unregister());

  it('names every registered kind in --target and one line each under the commands that take a target', () => {
    for (const kind of targetKinds()) {
      expect(TARGET_SPEC_HELP).toContain(kind.syntax);
      for (const command of ['run', 'compare', 'load', 'gateway', 'conform']) {
        expect(
          commandHelpAfter(command)
            .split('\n')
            .some((line) => line.includes(kind.syntax) && line.endsWith(kind.help)),
        ).toBe(true);
      }
    }
    expect(commandHelpAfter('check')).not.toContain('Targets (--target SPEC)');
  });

  it('defaults to the first kind, and says --node-control is for the kinds that take it', () => {
    expect(DEFAULT_TARGET).toBe(targetKinds()[0]!.name);
    expect(NODE_CONTROL_TARGETS).toBe('external@ targets');
  });

  it('lists a kind registered later with no edit to the CLI', () => {
    unregister = registerTargetKind({
      name: 'fake',
      syntax: 'fake@FLAVOUR',
      help: 'a kind made up by this test',
      capabilities: {
        maxBrokers: 1,
        faults: [],
        faultsNote: '',
        knownBugs: false,
        nodeControl: false,
        networkLab: false,
        shrinkByDefault: false,
      },
      parse: (arg, text) => {
        if (!arg) throw new TargetSpecError(`bad target '${text}'`);
        return { kind: 'fake' };
      },
      kafkaRelease: () => undefined,
      builder: () => Promise.reject(new Error('not started in this test')),
    });
    expect(commandHelpAfter('run')).toContain('fake@FLAVOUR');
    expect(commandHelpAfter('run')).toContain('a kind made up by this test');
  });
});
