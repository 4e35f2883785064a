/**
 * Kafka's own `kafka-acls` (org.apache.kafka.tools.AclCommand of 4.4.0, kafka.admin.AclCommand of
 * 3.9.2) against the reference broker and against Kafka 4.4.0, both with StandardAuthorizer and
 * `super.users=User:ANONYMOUS` (the tools connect over PLAINTEXT): `--add`, `--list` and
 * `--remove` run with the same arguments on both and must print the same (lines compared as a
 * set: the tool prints ACLs from hash sets).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveKafka, startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import { runKafkaClass } from '../../harness/kafka-dist/kafka-tool.ts';
import { STANDARD_AUTHORIZER_CLASS } from '../../reference-broker/acls/authorizer.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';

const TOOLS = [
  { version: '4.4.0', mainClass: 'org.apache.kafka.tools.AclCommand' },
  { version: '3.9.2', mainClass: 'kafka.admin.AclCommand' },
] as const;

let kafka: StartedKafka;
let reference: RunningBroker;

beforeAll(async () => {
  [kafka, reference] = await Promise.all([
    startKafkaNode({
      version: '4.4.0',
      serverProperties: { 'authorizer.class.name': STANDARD_AUTHORIZER_CLASS, 'super.users': 'User:ANONYMOUS' },
    }),
    startTestBroker({ authorizer: { superUsers: ['User:ANONYMOUS'], allowEveryoneIfNoAclFound: false } }),
  ]);
}, 240_000);
afterAll(async () => {
  await Promise.all([kafka?.stop(), reference?.close()]);
});

/** The steps of one tool, on resources named after `name`. */
function steps(name: string): { step: string; args: string[] }[] {
  const topic = ['--topic', name];
  return [
    {
      step: 'add',
      args: ['--add', '--allow-principal', 'User:alice', '--operation', 'Read', '--operation', 'Describe', ...topic],
    },
    {
      step: 'addPrefixedDeny',
      args: [
        '--add',
        '--deny-principal',
        'User:bob',
        '--deny-host',
        '10.1.2.3',
        '--operation',
        'Write',
        '--topic',
        `${name}-`,
        '--resource-pattern-type',
        'prefixed',
      ],
    },
    { step: 'addGroup', args: ['--add', '--allow-principal', 'User:alice', '--operation', 'Read', '--group', name] },
    { step: 'addProducer', args: ['--add', '--allow-principal', 'User:carol', '--producer', '--topic', name] },
    { step: 'listTopic', args: ['--list', ...topic] },
    { step: 'listMatch', args: ['--list', '--topic', `${name}-x`, '--resource-pattern-type', 'match'] },
    { step: 'listPrincipal', args: ['--list', '--principal', 'User:alice'] },
    {
      step: 'remove',
      args: ['--remove', '--allow-principal', 'User:alice', '--operation', 'Read', ...topic, '--force'],
    },
    { step: 'listAfterRemove', args: ['--list', ...topic] },
    { step: 'removeAll', args: ['--remove', ...topic, '--force'] },
    { step: 'listAfterRemoveAll', args: ['--list', ...topic] },
  ];
}

/** One tool run: exit code and its output lines, sorted (stack frames and log lines dropped). */
async function run(version: string, mainClass: string, bootstrap: string, args: string[]): Promise<string[]> {
  const dist = await resolveKafka(version);
  const r = await runKafkaClass(dist, mainClass, ['--bootstrap-server', bootstrap, ...args], { timeoutMs: 120_000 });
  const lines = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('at ') && !/^\[[\d-]+ [\d:,]+\]/.test(l))
    .map((l) => l.replaceAll(bootstrap, '<bootstrap>'));
  return [`exit ${r.code}`, ...lines.sort()];
}

/** The ACLs Kafka's broker lists lag its controller by a moment: a tool step waits for the previous one to show. */
const settle = () => new Promise((r) => setTimeout(r, 500));

describe.each(TOOLS)('kafka-acls $version: the reference broker answers as Kafka 4.4.0', ({ version, mainClass }) => {
  it('--add, --list and --remove print the same', async () => {
    const name = uniqueTopic(`acls-${version.replaceAll('.', '')}`);
    for (const { step, args } of steps(name)) {
      const [onKafka, onReference] = await Promise.all([
        run(version, mainClass, kafka.bootstrap, args),
        run(version, mainClass, reference.bootstrap, args),
      ]);
      expect(onKafka[0], `${step} on Kafka: ${onKafka.join('\n')}`).toBe('exit 0');
      expect(onReference, step).toEqual(onKafka);
      // what Kafka printed, so two brokers printing nothing cannot agree
      if (step === 'listTopic')
        expect(onKafka.join('\n')).toContain('(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)');
      if (step === 'listAfterRemoveAll') expect(onKafka.join('\n')).not.toContain('principal=');
      await settle();
    }
  }, 600_000);
});
