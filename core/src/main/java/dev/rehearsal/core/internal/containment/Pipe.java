package dev.rehearsal.core.internal.containment;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/**
 * Copies bytes one way between a socket's stream and a socket channel until either side closes. A channel is read
 * and written directly: the streams {@code Channels} makes of it share one lock, so a read waiting on one thread
 * would hold up a write on the other.
 */
final class Pipe {

    private static final int BUFFER = 16 * 1024;

    private Pipe() {
    }

    /** Copies {@code in} to {@code out} until {@code in} ends or either side closes. */
    static void toChannel(InputStream in, ByteChannel out) {
        byte[] bytes = new byte[BUFFER];
        try {
            for (int n; (n = in.read(bytes)) >= 0; ) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, n);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
        } catch (IOException e) {
            // one side closed: the connection is over
        }
    }

    /** Copies {@code in} to {@code out} until {@code in} ends or either side closes. */
    static void toStream(ByteChannel in, OutputStream out) {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        try {
            while (in.read(buffer) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
                out.flush();
                buffer.clear();
            }
        } catch (IOException e) {
            // one side closed: the connection is over
        }
    }

    /** Copies {@code in} to {@code out} until {@code in} ends or either side closes. */
    static void between(ByteChannel in, ByteChannel out) {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        try {
            while (in.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException e) {
            // one side closed: the connection is over
        }
    }
}
