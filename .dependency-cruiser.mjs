/**
 * kconform's layers import only downward (docs/architecture.md, "Layers"):
 *
 *   app/ ← reports/ ← scenarios/ ← harness/ ← reference-broker/ ← protocol/client/ ← protocol/ (codec)
 *
 * One named rule per forbidden direction, no exceptions. test/ and bench/ may import anything and
 * are not cruised. test/architecture/import-rules.test.ts runs these rules over the repo, and
 * `npx depcruise --config .dependency-cruiser.mjs protocol reference-broker harness scenarios reports app`
 * runs them from the shell.
 */

/** Every layer above `protocol/client/`, as a path pattern. */
const ABOVE_CLIENT = '^(reference-broker|harness|scenarios|reports|app)/';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'protocol-codec-is-the-ground',
      comment: 'The codec (primitives, records, messages, errors, codegen) imports nothing of kconform outside itself, not even the wire client.',
      severity: 'error',
      from: { path: '^protocol/', pathNot: '^protocol/client/' },
      to: { path: ['^protocol/client/', ABOVE_CLIENT] },
    },
    {
      name: 'wire-client-below-reference-broker',
      comment: 'protocol/client/ speaks the codec over a socket; it knows no broker, harness or anything above.',
      severity: 'error',
      from: { path: '^protocol/client/' },
      to: { path: ABOVE_CLIENT },
    },
    {
      name: 'reference-broker-below-harness',
      comment: 'The reference broker is a broker: it imports the protocol and nothing that tests or drives it.',
      severity: 'error',
      from: { path: '^reference-broker/' },
      to: { path: '^(harness|scenarios|reports|app)/' },
    },
    {
      name: 'harness-not-above-scenarios',
      comment: 'harness/ (targets, faults, drivers, the history recorder and the op vocabulary) serves scenarios; it never reaches up into them, reports or the app.',
      severity: 'error',
      from: { path: '^harness/' },
      to: { path: '^(scenarios|reports|app)/' },
    },
    {
      name: 'scenarios-not-above-reports',
      comment: 'Scenarios and their checkers produce histories and verdicts; presenting them is for reports/ and app/.',
      severity: 'error',
      from: { path: '^scenarios/' },
      to: { path: '^(reports|app)/' },
    },
    {
      name: 'reports-read-stored-files-only',
      comment:
        'reports/ renders what runs stored: it may read the history and output formats (harness/history, harness/output) and the codec, never start, drive or judge anything (targets, brokers, clients, scenarios, checkers) nor reach into the app.',
      severity: 'error',
      from: { path: '^reports/' },
      to: { path: ['^app/', '^scenarios/', '^reference-broker/', '^protocol/client/', '^harness/'], pathNot: '^harness/(history|output)/' },
    },
    {
      name: 'no-circular-across-folders',
      comment:
        'No import cycle that leaves its top folder: such a cycle ties two layers into one. Cycles inside one folder are not layering and are not checked here.',
      severity: 'error',
      from: { path: '^([^/]+)/' },
      to: { circular: true, via: { pathNot: '^$1/' } },
    },
  ],
  options: {
    includeOnly: '^(protocol|reference-broker|harness|scenarios|reports|app)/',
    exclude: { path: '(^|/)node_modules/' },
    doNotFollow: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mts', '.js', '.mjs', '.json'] },
  },
};
