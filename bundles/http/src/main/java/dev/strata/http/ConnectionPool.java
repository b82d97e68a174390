package dev.strata.http;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The parts of a connection worth reusing: its request parser (a head buffer of about 25 KiB) and
 * its 16 KiB input and output buffers, kept when a connection closes for the next one, so that a
 * client opening a connection per request (no keep-alive) does not cost ~60 KiB of zeroed memory
 * each time. Bounded: a burst of connections leaves at most {@link #KEPT} of each behind. Used by
 * the server thread only.
 */
final class ConnectionPool {

    /** Parts of each kind kept at most. */
    static final int KEPT = 64;

    private final ArrayDeque<RequestParser> parsers = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();

    /** A parser for {@code limits}, reset. */
    RequestParser parser(HttpLimits limits) {
        RequestParser p = parsers.poll();
        return p != null && p.limits().equals(limits) ? p : new RequestParser(limits);
    }

    /** An empty buffer of {@link HttpConnection#INPUT_SIZE} bytes. */
    ByteBuffer buffer() {
        ByteBuffer b = buffers.poll();
        return b != null ? b.clear() : ByteBuffer.allocate(HttpConnection.INPUT_SIZE);
    }

    /** Takes back the parts of a closed connection (a grown output buffer is let go). */
    void recycle(RequestParser parser, ByteBuffer in, ByteBuffer out) {
        if (parsers.size() < KEPT) {
            parser.reset();
            parsers.push(parser);
        }
        keep(in);
        keep(out);
    }

    private void keep(ByteBuffer b) {
        if (b.capacity() == HttpConnection.INPUT_SIZE && buffers.size() < KEPT) {
            buffers.push(b);
        }
    }

    int buffersKept() {
        return buffers.size();
    }
}
