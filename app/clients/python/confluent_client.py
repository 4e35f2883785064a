"""confluent-kafka (librdkafka) side of kconform's client matrix.

One command per run, given as a JSON object in argv[1]; prints JSON lines on stdout:
  produce: {"send": {...}} per delivery report, then {"done": true}
  consume: {"record": {...}} per record (at most `count`), then {"committed": [...]} when asked, {"done": true}
  member:  {"assigned": [partitions]} after every rebalance; leaves the group on SIGTERM or when stdin closes
  list-topics: {"topics": [names]} from AdminClient.list_topics() (an all-topics Metadata request)
  transact: per transaction {"begun": n}, {"send": {...}} per delivery report, {"ended": n} once its
           commit or abort returned (init_transactions, begin_transaction, commit/abort_transaction)
Errors end the run with {"error": "..."} and exit code 1. Records are written as UTF-8 text.
"""
import json
import select
import signal
import sys
import time

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def text(b):
    return None if b is None else b.decode("utf-8")


def produce(cmd):
    conf = {
        "bootstrap.servers": cmd["bootstrap"],
        "acks": str(cmd["acks"]),
        "enable.idempotence": bool(cmd["idempotent"]),
        "compression.type": cmd["compression"],
        # one batch for the cell's few records: librdkafka sends a batch uncompressed when
        # compressing would not shrink it, which small split batches invite
        "linger.ms": 100,
    }
    producer = Producer(conf)
    reports = []

    def on_delivery(err, msg):
        if err is not None:
            reports.append({"error": str(err), "key": text(msg.key()), "value": text(msg.value())})
        else:
            reports.append({"partition": msg.partition(), "offset": msg.offset(), "key": text(msg.key()), "value": text(msg.value())})

    for r in cmd["records"]:
        headers = [(k, v.encode("utf-8")) for k, v in r.get("headers", [])]
        producer.produce(cmd["topic"], key=r["key"], value=r["value"], headers=headers or None, on_delivery=on_delivery)
    left = producer.flush(cmd.get("timeoutMs", 30000) / 1000)
    for rep in reports:
        emit({"send": rep})
    if left:
        emit({"error": f"{left} records not delivered in time"})
        sys.exit(1)
    emit({"done": True})


def transact(cmd):
    producer = Producer({
        "bootstrap.servers": cmd["bootstrap"],
        "transactional.id": cmd["transactionalId"],
        "enable.idempotence": True,
        "acks": "all",
    })
    timeout = cmd.get("timeoutMs", 30000) / 1000

    def on_delivery(err, msg):
        if err is not None:
            emit({"send": {"error": str(err), "key": text(msg.key()), "value": text(msg.value())}})
        else:
            emit({"send": {"partition": msg.partition(), "offset": msg.offset(), "key": text(msg.key()), "value": text(msg.value())}})

    producer.init_transactions(timeout)
    for n, t in enumerate(cmd["transactions"]):
        producer.begin_transaction()
        emit({"begun": n})
        for r in t["records"]:
            producer.produce(cmd["topic"], key=r["key"], value=r["value"], partition=r["partition"], on_delivery=on_delivery)
        # the delivery reports of an aborted transaction's records come before the abort: flush first
        left = producer.flush(timeout)
        if left:
            raise RuntimeError(f"{left} records not delivered in time")
        if t["outcome"] == "commit":
            producer.commit_transaction(timeout)
        else:
            producer.abort_transaction(timeout)
        emit({"ended": n})
    emit({"done": True})


def consumer_conf(cmd, group):
    return {
        "bootstrap.servers": cmd["bootstrap"],
        "group.id": group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "session.timeout.ms": 10000,
        "heartbeat.interval.ms": 500,
        "fetch.wait.max.ms": 100,
    }


def consume(cmd):
    group = cmd.get("group") or f"kconform-assign-{int(time.time() * 1000)}"
    consumer = Consumer(consumer_conf(cmd, group))
    seek = cmd.get("seek")
    if seek:
        consumer.assign([TopicPartition(cmd["topic"], seek["partition"], seek["offset"])])
    else:
        # a pattern (it starts with ^) makes librdkafka match it against all-topics metadata
        consumer.subscribe([cmd.get("pattern") or cmd["topic"]])
    got = []
    deadline = time.time() + cmd.get("timeoutMs", 30000) / 1000
    while len(got) < cmd["count"] and time.time() < deadline:
        msg = consumer.poll(0.2)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == KafkaError._PARTITION_EOF:
                continue
            emit({"error": str(msg.error())})
            consumer.close()
            sys.exit(1)
        headers = [[k, text(v)] for k, v in (msg.headers() or [])]
        rec = {"topic": msg.topic(), "partition": msg.partition(), "offset": msg.offset(), "key": text(msg.key()), "value": text(msg.value()), "headers": headers}
        got.append(rec)
        emit({"record": rec})
    if len(got) < cmd["count"]:
        emit({"error": f"only {len(got)}/{cmd['count']} records within {cmd.get('timeoutMs', 30000)} ms"})
        consumer.close()
        sys.exit(1)
    if cmd.get("commit"):
        last = {}
        for r in got:
            last[r["partition"]] = max(last.get(r["partition"], -1), r["offset"])
        offsets = [TopicPartition(cmd["topic"], p, o + 1) for p, o in last.items()]
        done = consumer.commit(offsets=offsets, asynchronous=False)
        emit({"committed": [{"partition": tp.partition, "offset": tp.offset, "error": str(tp.error) if tp.error else None} for tp in done]})
    consumer.close()
    emit({"done": True})


def member(cmd):
    consumer = Consumer(consumer_conf(cmd, cmd["group"]))
    owned = set()
    stop = {"now": False}

    def on_assign(c, parts):
        owned.update(p.partition for p in parts)
        emit({"assigned": sorted(owned)})

    def on_revoke(c, parts):
        owned.difference_update(p.partition for p in parts)
        emit({"assigned": sorted(owned)})

    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    consumer.subscribe([cmd["topic"]], on_assign=on_assign, on_revoke=on_revoke)
    while not stop["now"]:
        consumer.poll(0.1)
        ready, _, _ = select.select([sys.stdin], [], [], 0)
        if ready and sys.stdin.read(1) == "":
            break
    consumer.close()
    emit({"done": True})


def list_topics(cmd):
    admin = AdminClient({"bootstrap.servers": cmd["bootstrap"]})
    meta = admin.list_topics(timeout=cmd.get("timeoutMs", 30000) / 1000)
    emit({"topics": sorted(meta.topics.keys())})
    emit({"done": True})


def main():
    cmd = json.loads(sys.argv[1])
    try:
        {"produce": produce, "transact": transact, "consume": consume, "member": member, "list-topics": list_topics}[cmd["op"]](cmd)
    except Exception as e:  # a client exception is the cell's outcome, not a crash of the harness
        emit({"error": f"{type(e).__name__}: {e}"})
        sys.exit(1)


if __name__ == "__main__":
    main()
