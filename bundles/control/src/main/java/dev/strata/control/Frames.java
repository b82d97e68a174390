package dev.strata.control;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

/**
 * The control protocol's framing, shared by {@link ControlServer} and {@link Client}.
 *
 * <p>Both directions carry frames: one type byte, a 4-byte big-endian payload length, then the
 * payload. The client sends {@link #COMMAND} frames (one Gogo command line each, UTF-8) and one
 * {@link #END} frame when it has no more; it keeps its side open until the server has answered,
 * so the server reads end-of-stream as "the client is gone" and interrupts the running command.
 * The server answers each command with any number of {@link #STDOUT} and {@link #STDERR} frames,
 * sent while the command runs (so {@code ping} streams), then one {@link #EXIT} frame whose
 * payload is the 4-byte exit status; after the {@link #END} it closes the connection.
 *
 * <p>Type bytes are printable letters so that a hex dump of a session reads easily.
 */
final class Frames {

    /** Client to server: a command line, UTF-8. */
    static final byte COMMAND = 'C';
    /** Client to server: no more commands (empty payload). */
    static final byte END = 'E';
    /** Server to client: bytes the command wrote to its standard output. */
    static final byte STDOUT = 'O';
    /** Server to client: bytes the command wrote to its standard error. */
    static final byte STDERR = 'R';
    /** Server to client: the command finished; payload is the exit status (4 bytes). */
    static final byte EXIT = 'X';

    /** Header: type (1 byte) + length (4 bytes). */
    static final int HEADER_LENGTH = 5;
    /** Longest payload either side accepts; a longer length is a protocol error, not an allocation. */
    static final int MAX_PAYLOAD = 1 << 20;

    private Frames() {
    }

    /** One frame read from the stream. */
    record Frame(byte type, byte[] payload) {

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The exit status of an {@link #EXIT} frame. */
        int status() throws ProtocolException {
            if (type != EXIT || payload.length != 4) {
                throw new ProtocolException("not an exit frame");
            }
            return ((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16)
                    | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
        }
    }

    /**
     * Writes one frame (several when {@code length} exceeds {@link #MAX_PAYLOAD}). Callers that
     * share a stream between threads synchronise around this call, so frames never interleave.
     */
    static void write(OutputStream out, byte type, byte[] bytes, int offset, int length) throws IOException {
        do {
            int chunk = Math.min(length, MAX_PAYLOAD);
            byte[] header = {type, (byte) (chunk >>> 24), (byte) (chunk >>> 16), (byte) (chunk >>> 8), (byte) chunk};
            out.write(header);
            out.write(bytes, offset, chunk);
            offset += chunk;
            length -= chunk;
        } while (length > 0);
        out.flush();
    }

    static void writeText(OutputStream out, byte type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(out, type, bytes, 0, bytes.length);
    }

    static void writeExit(OutputStream out, int status) throws IOException {
        byte[] payload = {(byte) (status >>> 24), (byte) (status >>> 16), (byte) (status >>> 8), (byte) status};
        write(out, EXIT, payload, 0, 4);
    }

    /**
     * Reads one frame; {@code null} at a clean end of stream (between frames).
     *
     * @throws EOFException when the stream ends inside a frame
     * @throws ProtocolException when the length is negative or above {@link #MAX_PAYLOAD}
     */
    static Frame read(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        byte[] length = in.readNBytes(4);
        if (length.length < 4) {
            throw new EOFException("stream ended inside a frame header");
        }
        int n = ((length[0] & 0xff) << 24) | ((length[1] & 0xff) << 16) | ((length[2] & 0xff) << 8) | (length[3] & 0xff);
        if (n < 0 || n > MAX_PAYLOAD) {
            throw new ProtocolException("frame length " + Integer.toUnsignedString(n) + " exceeds " + MAX_PAYLOAD);
        }
        byte[] payload = in.readNBytes(n);
        if (payload.length < n) {
            throw new EOFException("stream ended inside a frame of " + n + " bytes");
        }
        return new Frame((byte) type, payload);
    }
}
