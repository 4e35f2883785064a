/**
 * confluent-kafka for Python (librdkafka inside the wheel): a client in another language, run
 * as `python app/clients/python/confluent_client.py '<json command>'` from the venv that
 * python-env.ts installs. The script prints JSON lines; this driver reads them.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnProcessGroup } from '../../../harness/kafka-dist/process-group.ts';
import {
  ClientUnavailable,
  type ClientDriver,
  type ConsumeResult,
  type ConsumeSpec,
  type ConsumedRecord,
  type GroupMember,
  type MemberSpec,
  type ProduceSpec,
  type SendOutcome,
  type TransactionOutcome,
  type TransactSpec,
} from '../client-driver.ts';
import { transactionOutcomes, type TxnLine } from '../transaction-lines.ts';
import { CONFLUENT_KAFKA_VERSION, ensurePythonClient, venvPython } from '../python-env.ts';

const SCRIPT = fileURLToPath(new URL('../python/confluent_client.py', import.meta.url));

type Line = {
  send?: SendOutcome & { error?: string };
  record?: ConsumedRecord;
  topics?: string[];
  committed?: { partition: number; offset: number; error: string | null }[];
  assigned?: number[];
  error?: string;
  done?: boolean;
} & TxnLine;

function parseLines(text: string): Line[] {
  const out: Line[] = [];
  for (const l of text.split('\n')) {
    if (!l.trim()) continue;
    try {
      out.push(JSON.parse(l) as Line);
    } catch {
      // librdkafka may log to stdout in rare cases; only JSON lines are ours
    }
  }
  return out;
}

/** Runs one command to completion; rejects with the script's error line (or stderr) when it fails. */
function runCommand(cmd: Record<string, unknown>, timeoutMs: number): Promise<Line[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(venvPython(), [SCRIPT, JSON.stringify(cmd)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = parseLines(stdout);
      const error = lines.find((l) => l.error)?.error;
      if (code === 0 && lines.some((l) => l.done)) return resolve(lines);
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      reject(
        Object.assign(
          new Error(
            error ??
              `confluent_client.py ${String(cmd.op)} ended with ${signal ?? `exit ${code}`}${tail ? `: ${tail}` : ''}`,
          ),
          { lines },
        ),
      );
    });
  });
}

async function produce(spec: ProduceSpec): Promise<SendOutcome[]> {
  const lines = await runCommand(
    {
      op: 'produce',
      bootstrap: spec.bootstrap,
      topic: spec.topic,
      acks: spec.acks === -1 ? 'all' : spec.acks,
      idempotent: spec.idempotent,
      compression: spec.compression,
      timeoutMs: spec.timeoutMs,
      records: spec.records.map((r) => ({ key: r.key, value: r.value, headers: r.headers ?? [] })),
    },
    spec.timeoutMs + 15_000,
  );
  return lines.filter((l) => l.send).map((l) => l.send!);
}

async function transact(spec: TransactSpec): Promise<TransactionOutcome[]> {
  const cmd = {
    op: 'transact',
    bootstrap: spec.bootstrap,
    topic: spec.topic,
    transactionalId: spec.transactionalId,
    timeoutMs: spec.timeoutMs,
    transactions: spec.transactions,
  };
  try {
    return transactionOutcomes(await runCommand(cmd, spec.timeoutMs + 15_000), spec.transactions.length);
  } catch (err) {
    const lines = (err as { lines?: Line[] }).lines ?? [];
    return transactionOutcomes(lines, spec.transactions.length, (err as Error).message);
  }
}

async function consume(spec: ConsumeSpec): Promise<ConsumeResult> {
  const lines = await runCommand(
    {
      op: 'consume',
      bootstrap: spec.bootstrap,
      topic: spec.topic,
      pattern: spec.pattern,
      group: spec.group,
      seek: spec.seek,
      count: spec.count,
      commit: spec.commit,
      timeoutMs: spec.timeoutMs,
    },
    spec.timeoutMs + 15_000,
  );
  const failed = lines.find((l) => l.committed)?.committed?.find((c) => c.error);
  if (failed) throw new Error(`commit of partition ${failed.partition} failed: ${failed.error}`);
  return { records: lines.filter((l) => l.record).map((l) => l.record!) };
}

async function listTopics(bootstrap: string, timeoutMs: number): Promise<string[]> {
  const lines = await runCommand({ op: 'list-topics', bootstrap, timeoutMs }, timeoutMs + 15_000);
  return lines.find((l) => l.topics)?.topics ?? [];
}

async function joinGroup(spec: MemberSpec): Promise<GroupMember> {
  const group = spawnProcessGroup(
    venvPython(),
    [SCRIPT, JSON.stringify({ op: 'member', bootstrap: spec.bootstrap, topic: spec.topic, group: spec.group })],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let owned: number[] | undefined;
  let buffered = '';
  group.child.stdout?.on('data', (b: Buffer) => {
    buffered += b.toString('utf8');
    const cut = buffered.lastIndexOf('\n');
    if (cut < 0) return;
    for (const l of parseLines(buffered.slice(0, cut))) if (l.assigned) owned = l.assigned;
    buffered = buffered.slice(cut + 1);
  });
  group.child.stderr?.resume();
  return {
    assignment: () => owned,
    // Closing stdin makes the script close its consumer, which leaves the group.
    close: async () => {
      group.child.stdin?.end();
      await Promise.race([group.exited, new Promise((r) => setTimeout(r, 15_000))]);
      await group.stop(2_000);
    },
  };
}

let version = `confluent-kafka ${CONFLUENT_KAFKA_VERSION} (Python)`;

/** The confluent-kafka (Python, librdkafka) driver. */
export const confluentPythonDriver: ClientDriver = {
  id: 'confluent-python',
  get label() {
    return version;
  },
  prepare: async () => {
    try {
      const [client, librdkafka] = (await ensurePythonClient((l) => process.stderr.write(`${l}\n`))).split(' ');
      version = `confluent-kafka ${client} (Python, librdkafka ${librdkafka})`;
    } catch (err) {
      throw new ClientUnavailable((err as Error).message);
    }
  },
  produce,
  consume,
  joinGroup,
  listTopics,
  transact,
  notes: {
    transactions: 'transactional.id; init_transactions, begin_transaction, commit/abort_transaction',
    seek: 'assign(TopicPartition(offset)), no group',
    'list-topics': 'AdminClient.list_topics()',
    'regex-subscribe': "subscribe(['^pattern'])",
  },
};
