import { describe, expect, it } from 'vitest';
import { checkHistory, validateOp } from '../../scenarios/checkers/index.ts';
import type { Op } from '../../harness/history/history.ts';
import { ownedPartitions, parseVerifiableOutput, polledRecords, verifiableEventsToOps } from './verifiable-history.ts';

// Lines as Kafka 4.4.0's VerifiableProducer / VerifiableConsumer print them (captured from a run
// against the reference broker), with a log line mixed in as stdout sometimes has.
const PRODUCER = `{"timestamp":1000,"name":"startup_complete"}
{"timestamp":1010,"name":"producer_send_success","key":"0","value":"7.0","offset":0,"topic":"t","partition":0}
{"timestamp":1011,"name":"producer_send_success","key":"1","value":"7.1","offset":1,"topic":"t","partition":0}
{"timestamp":1012,"name":"producer_send_error","exception":"class org.apache.kafka.common.errors.TimeoutException","message":"Expiring 1 record(s)","topic":"t","key":"2","value":"7.2"}
[2026-11-25 04:23:29,030] WARN something
{"timestamp":1020,"name":"shutdown_complete"}
{"timestamp":1021,"name":"tool_data","sent":3,"acked":2,"target_throughput":-1,"avg_throughput":14.6}`;

const CONSUMER = `{"timestamp":2000,"name":"startup_complete"}
{"timestamp":2010,"name":"partitions_assigned","partitions":[{"topic":"t","partition":0},{"topic":"t","partition":1}]}
{"timestamp":2020,"name":"record_data","key":"0","value":"7.0","topic":"t","partition":0,"offset":0}
{"timestamp":2021,"name":"record_data","key":"1","value":"7.1","topic":"t","partition":0,"offset":1}
{"timestamp":2022,"name":"records_consumed","count":2,"partitions":[{"topic":"t","partition":0,"count":2,"minOffset":0,"maxOffset":1}]}
{"timestamp":2030,"name":"offsets_committed","offsets":[{"topic":"t","partition":0,"offset":2}],"success":true}
{"timestamp":2040,"name":"partitions_revoked","partitions":[{"topic":"t","partition":1}]}
{"timestamp":2050,"name":"shutdown_complete"}`;

describe('verifiable tools → history ops', () => {
  it('splits JSON events from other output', () => {
    const { events, other } = parseVerifiableOutput(PRODUCER);
    expect(events.map((e) => e.name)).toEqual([
      'startup_complete',
      'producer_send_success',
      'producer_send_success',
      'producer_send_error',
      'shutdown_complete',
      'tool_data',
    ]);
    expect(other).toEqual(['[2026-11-25 04:23:29,030] WARN something']);
  });

  it('turns sends into invoke/ok pairs and errors into info, valid for the checkers', () => {
    const ops = verifiableEventsToOps(parseVerifiableOutput(PRODUCER).events, { process: 'java' });
    expect(ops.map((o) => `${o.type}:${o.f}`)).toEqual([
      'invoke:send',
      'ok:send',
      'invoke:send',
      'ok:send',
      'invoke:send',
      'info:send',
    ]);
    expect(ops[1]!.value).toEqual({ topic: 't', partition: 0, offset: 0, key: '0', value: '7.0' });
    expect(ops[5]!.error).toContain('TimeoutException');
    expect(ops.map((o) => o.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ops[0]!.time).toBe(10);
    for (const o of ops) expect(validateOp(o)).toBeNull();
  });

  it('groups record_data into polls, and maps assignments and commits', () => {
    const { events } = parseVerifiableOutput(CONSUMER);
    const ops = verifiableEventsToOps(events, { process: 'java-consumer' });
    expect(ops.map((o) => `${o.type}:${o.f}`)).toEqual([
      'invoke:assign',
      'ok:assign',
      'invoke:poll',
      'ok:poll',
      'invoke:commit',
      'ok:commit',
      'invoke:revoke',
      'ok:revoke',
    ]);
    expect(polledRecords(ops).map((r) => r.offset)).toEqual([0, 1]);
    expect(ownedPartitions(events, 't')).toEqual([0]);
    expect(ownedPartitions([], 't')).toBeUndefined();
    for (const o of ops) expect(validateOp(o)).toBeNull();
  });

  it('lets the checkers judge a Java run: a consumer that saw everything is valid, a lost record is caught', () => {
    const producer = verifiableEventsToOps(parseVerifiableOutput(PRODUCER).events, { process: 'java', t0: 1000 });
    const consumer = verifiableEventsToOps(parseVerifiableOutput(CONSUMER).events, {
      process: 'final-read',
      t0: 1000,
      firstIndex: producer.length,
    });
    const ok: Op[] = [...producer, ...consumer];
    expect(checkHistory(ok, { acks: -1, idempotent: false }).filter((r) => r.valid === false)).toEqual([]);
    // The same run where the final read missed offset 1: an acknowledged write is lost.
    const lossy = ok.map((o) =>
      o.f === 'poll' && o.type === 'ok'
        ? {
            ...o,
            value: { records: (o.value as { records: { offset: number }[] }).records.filter((r) => r.offset !== 1) },
          }
        : o,
    );
    const lost = checkHistory(lossy, { acks: -1, idempotent: false }).find((r) => r.checker === 'lost-write');
    expect(lost?.valid).toBe(false);
  });
});
