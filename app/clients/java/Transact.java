/*
 * kconform's client matrix, Java side of the `transactions` feature: one KafkaProducer with a
 * transactional.id runs the transactions given on the command line, committing or aborting each.
 * Kafka 4.4.0's tools have no producer for this: VerifiableProducer has no transactional option,
 * and TransactionalMessageCopier (Kafka's system tests' transactional client) copies a topic and
 * aborts only at random. No build step: `java -cp <kafka libs> Transact.java ...` (source launcher).
 *
 * Arguments: BOOTSTRAP TOPIC TRANSACTIONAL_ID TIMEOUT_MS TXN... where each TXN is
 * `commit|P:KEY:VALUE|P:KEY:VALUE...` or `abort|...` (keys and values without `|` or `:`).
 * Prints JSON lines: {"begun":n}, {"send":{...}} per acknowledged record, {"ended":n}, then
 * {"done":true}; an error ends the run with {"error":"..."} and exit code 1.
 */
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

public class Transact {
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
  }

  static void emit(String json) {
    System.out.println(json);
    System.out.flush();
  }

  public static void main(String[] args) {
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    props.put("transactional.id", args[2]);
    props.put("enable.idempotence", "true");
    props.put("acks", "all");
    props.put("key.serializer", StringSerializer.class.getName());
    props.put("value.serializer", StringSerializer.class.getName());
    long timeoutMs = Long.parseLong(args[3]);
    props.put("max.block.ms", String.valueOf(timeoutMs));
    String topic = args[1];
    int code = 0;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      try {
        producer.initTransactions();
        for (int n = 0; n + 4 < args.length; n++) {
          String[] parts = args[n + 4].split("\\|");
          producer.beginTransaction();
          emit("{\"begun\":" + n + "}");
          for (int i = 1; i < parts.length; i++) {
            String[] r = parts[i].split(":", 3);
            RecordMetadata m = producer
                .send(new ProducerRecord<>(topic, Integer.parseInt(r[0]), r[1], r[2]))
                .get(timeoutMs, TimeUnit.MILLISECONDS);
            emit("{\"send\":{\"partition\":" + m.partition() + ",\"offset\":" + m.offset() + ",\"key\":"
                + quote(r[1]) + ",\"value\":" + quote(r[2]) + "}}");
          }
          if (parts[0].equals("commit")) producer.commitTransaction();
          else producer.abortTransaction();
          emit("{\"ended\":" + n + "}");
        }
        emit("{\"done\":true}");
      } catch (Exception e) {
        emit("{\"error\":" + quote(e.getClass().getSimpleName() + ": " + e.getMessage()) + "}");
        code = 1;
      }
    }
    System.exit(code);
  }
}
