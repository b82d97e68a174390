package dev.strata.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * The body of a response read from a source ({@link dev.strata.api.http.HttpResponse#body(ReadableByteChannel, long)})
 * as the socket takes it: exactly {@code length} bytes (the Content-Length sent), or chunks until
 * the source ends (RFC 9112 7.1). Bytes are read straight into the connection's output buffer;
 * each read becomes one chunk whose size takes 4 hex digits (chunk-size is 1*HEXDIG, leading
 * zeros allowed), written once the read says how much it got, so that no byte is moved. One per
 * connection, reused from response to response.
 */
final class StreamedBody {

    /** The largest chunk: its size always takes 4 hex digits. */
    static final int MAX_CHUNK = 0xFFFF;
    /** A chunk's framing: 4 hex digits and CRLF before the data, CRLF after. */
    static final int CHUNK_OVERHEAD = 8;

    /** What {@link #pumpInto} left behind. */
    enum Outcome {
        /** More to come: the buffer is full, or the source has nothing now. */
        MORE,
        /** The whole body (and the last chunk) is in the buffer; the source is closed. */
        DONE,
        /** The source failed or ended short of its length; it is closed, {@link #failure()} says why. */
        FAILED
    }

    private ReadableByteChannel source;
    /** Bytes still to send, or -1 when the length is unknown (chunked). */
    private long left;
    private boolean chunked;
    private Throwable failure;

    /** Starts a body from {@code source}: {@code length} bytes, or chunked (length -1). */
    void start(ReadableByteChannel source, long length, boolean chunked) {
        this.source = source;
        this.left = length;
        this.chunked = chunked;
        this.failure = null;
        if (length == 0) {
            close();
        }
    }

    /** Whether a body is being sent. */
    boolean active() {
        return source != null;
    }

    Throwable failure() {
        return failure;
    }

    /** Moves the body's next bytes into {@code out}, up to {@code highWater} bytes held there. */
    Outcome pumpInto(ByteBuffer out, int highWater, ResponseWriter writer) {
        while (source != null && out.position() < highWater) {
            int start = out.position();
            int max = Math.min(out.remaining(), highWater - start);
            if (chunked) {
                max = Math.min(max - CHUNK_OVERHEAD, MAX_CHUNK);
            }
            if (left >= 0) {
                max = (int) Math.min(max, left);
            }
            if (max <= 0) {
                return Outcome.MORE;
            }
            if (chunked) {
                out.position(start + CHUNK_OVERHEAD - 2); // the size is written once the read tells it
            }
            int n;
            int limit = out.limit();
            out.limit(out.position() + max);
            try {
                n = source.read(out);
            } catch (IOException | RuntimeException e) {
                out.position(start);
                return failed(e);
            } finally {
                out.limit(limit);
            }
            if (n < 0) {
                out.position(start);
                if (left > 0) {
                    // fewer bytes than Content-Length promised: the framing cannot be kept
                    return failed(new IOException("the source ended " + left + " bytes short"));
                }
                if (chunked) {
                    writer.lastChunk(out);
                    writer.endHeaders(out); // no trailer fields
                }
                close();
                return Outcome.DONE;
            }
            if (n == 0) {
                out.position(start);
                return Outcome.MORE; // the source has nothing now; the socket's WRITE readiness brings us back
            }
            if (chunked) {
                writeChunkSize(out, start, n);
                writer.chunkEnd(out);
            }
            if (left > 0) {
                left -= n;
                if (left == 0) {
                    close();
                    return Outcome.DONE;
                }
            }
        }
        return source == null ? Outcome.DONE : Outcome.MORE;
    }

    private Outcome failed(Throwable cause) {
        failure = cause;
        close();
        return Outcome.FAILED;
    }

    private static void writeChunkSize(ByteBuffer out, int at, int size) {
        byte[] a = out.array();
        int i = out.arrayOffset() + at;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int digit = (size >>> shift) & 0xF;
            a[i++] = (byte) (digit < 10 ? '0' + digit : 'a' + digit - 10);
        }
        a[i++] = '\r';
        a[i] = '\n';
    }

    /** Closes the source (the body is sent, abandoned, or not to be sent). */
    void close() {
        closeQuietly(source);
        source = null;
    }

    static void closeQuietly(ReadableByteChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException | RuntimeException e) {
                // nothing to do: the body is sent or abandoned
            }
        }
    }
}
