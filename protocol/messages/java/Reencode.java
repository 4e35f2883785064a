// Reads "<MessageName> <version> <hex>" lines on stdin, parses each body with Kafka's own
// generated MessageData class from kafka-clients, writes it back at the same version and prints
// "OK <hex>" (or "ERR <reason>"). java-cross-check.test.ts feeds it our encodings: Kafka must read
// every field as we wrote it and write back exactly our bytes.
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Readable;

public class Reencode {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, StandardCharsets.UTF_8);
        HexFormat hex = HexFormat.of();
        String line;
        while ((line = in.readLine()) != null) {
            String[] p = line.split(" ", -1);
            try {
                Class<?> cls = Class.forName("org.apache.kafka.common.message." + p[0] + "Data");
                short version = Short.parseShort(p[1]);
                ByteBuffer buf = ByteBuffer.wrap(hex.parseHex(p[2]));
                Message msg = (Message) cls.getConstructor(Readable.class, short.class)
                    .newInstance(new ByteBufferAccessor(buf), version);
                if (buf.hasRemaining()) throw new IllegalStateException(buf.remaining() + " bytes left unread");
                ObjectSerializationCache cache = new ObjectSerializationCache();
                ByteBuffer written = ByteBuffer.allocate(msg.size(cache, version));
                msg.write(new ByteBufferAccessor(written), cache, version);
                out.println("OK " + hex.formatHex(written.array()));
            } catch (Throwable t) {
                Throwable cause = t instanceof InvocationTargetException && t.getCause() != null ? t.getCause() : t;
                out.println("ERR " + cause.getClass().getSimpleName() + ": " + String.valueOf(cause.getMessage()).replace('\n', ' '));
            }
        }
        out.flush();
    }
}
