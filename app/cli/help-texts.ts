/**
 * Texts of `kconform --help` shared by several commands: the target specs, the exit codes, one
 * example per command, the scenario list. Kept here so each is written once.
 */
import { kindsWith, targetKinds, targetKindsHelp, targetSpecHelp } from '../../harness/targets/target-spec.ts';

/** What `--target` accepts (every command with a target), from the registered kinds. */
export const TARGET_SPEC_HELP = targetSpecHelp();

/** The target a command runs against when `--target` is left out: the first registered kind (the reference broker). */
export const DEFAULT_TARGET = targetKinds()[0]!.name;

/** Kinds named by their `NAME@` form, for option help ("external@ targets: …"). */
const kindList = (kinds: readonly { name: string }[], suffix = '@') =>
  kinds.map((k) => `${k.name}${suffix}`).join(', ');

/** Where `--node-control` applies: `external@` (and any other kind whose faults go through the owner's commands). */
export const NODE_CONTROL_TARGETS = `${kindList(kindsWith('nodeControl'))} targets`;

/** Where `--bug` applies. */
export const BUG_TARGETS = `${kindList(kindsWith('knownBugs'), '')} target`;

/** Where `run` shrinks failures without `--shrink`. */
export const SHRINK_DEFAULT_TARGETS = `${kindList(kindsWith('shrinkByDefault'), '')} target`;

/** Commands whose help lists the target kinds, one line each. */
const TARGET_COMMANDS = new Set(['run', 'compare', 'load', 'gateway', 'conform', 'certify']);

/** The exit-code contract (docs/architecture.md), shown under every command's help. */
export const EXIT_CODES_HELP =
  'Exit codes: 0 ok, 1 anomaly or difference found, 2 bad usage or configuration, 3 target unavailable.';

/** One or two examples per command path (`image build` for subcommands), shown under its help. */
export const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  broker: [
    'kconform broker --port 9092',
    'kconform broker --brokers 3 --data-dir /tmp/kconform-data   # a 3-node cluster on disk',
  ],
  run: [
    'kconform run --scenarios seed --seed 42',
    'kconform run --target kafka@4.4.0 --faults kill,pause --junit junit.xml',
    'kconform run --bug drop-acked-write --scenarios seed --shrink-budget 30   # see a failure found and shrunk',
  ],
  'console-producer': ['echo hello | kconform console-producer --bootstrap-server 127.0.0.1:9092 --topic mmr'],
  'console-consumer': [
    'kconform console-consumer --bootstrap-server 127.0.0.1:9092 --topic mmr --from-beginning --max-messages 1',
  ],
  image: ['kconform image build --kafka 4.4.0'],
  'image build': ['kconform image build --kafka 4.4.0'],
  compare: ['kconform compare --targets reference,kafka@4.4.0 --scenarios seed --seed 1'],
  replay: ['kconform replay runs/20261125T011824Z-d7978d   # a run directory `run` printed'],
  check: ['kconform check runs/20261125T011824Z-d7978d/history.jsonl --out check.json'],
  report: ['kconform report runs/20261125T011824Z-d7978d', 'kconform report runs/a runs/b --out side-by-side.html'],
  load: [
    'kconform load --acks all --rate 5000 --duration 30',
    'kconform load --http --producers 8 --duration 10   # through the gateway',
  ],
  gateway: [
    'kconform gateway --target reference --port 8082',
    `curl -X POST -H 'Content-Type: application/json' -d '{"value":{"type":"JSON","data":{"hello":1}}}' http://127.0.0.1:8082/v3/clusters/CLUSTER/topics/t/records`,
  ],
  conform: ['kconform conform --target reference --against kafka@4.4.0 --apis Produce,Fetch --cases 20 --seed 42'],
  certify: [
    "kconform certify --target external@127.0.0.1:9092 --allow allowlist.yaml   # your broker's card",
    'kconform certify --target kafka@4.4.0 --records 50   # Kafka against itself: 100%',
  ],
};

/** The text under a command's help: the target kinds (where it takes a target), its examples and the exit codes. */
export function commandHelpAfter(path: string): string {
  const examples = EXAMPLES[path] ?? [];
  const targets = TARGET_COMMANDS.has(path) ? ['', targetKindsHelp()] : [];
  const lines = examples.length
    ? ['', examples.length > 1 ? 'Examples:' : 'Example:', ...examples.map((e) => `  ${e}`)]
    : [];
  return [...targets, ...lines, '', EXIT_CODES_HELP].join('\n');
}

/** The text under the top-level help: the test runner and the exit codes. */
export const PROGRAM_HELP_AFTER = [
  '',
  'Also:',
  '  ./kconform test [FILES...]   run the test suite (vitest; arguments are passed to it)',
  '',
  'Example:',
  '  kconform run --scenarios seed --seed 42   then open runs/<run-id>/report.html',
  '',
  EXIT_CODES_HELP,
].join('\n');

/** Scenario names and descriptions, as listed under `run --help` and `compare --help`. */
export function scenarioListHelp(
  scenarios: readonly { name: string; description: string; minBrokers?: number }[],
): string {
  const width = Math.max(...scenarios.map((s) => s.name.length));
  return [
    '',
    "Scenarios (--scenarios NAME,NAME or 'all'):",
    ...scenarios.map(
      (s) => `  ${s.name.padEnd(width)}  ${s.minBrokers ? `[--brokers ${s.minBrokers}] ` : ''}${s.description}`,
    ),
  ].join('\n');
}
