package dev.strata.tcp;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.transport.StreamAcceptor;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamEndpoint;

/**
 * The applications of the simulation: endpoints that record what TCP tells them, an acceptor,
 * and a sender and a receiver that hash every byte they move (SHA-256) so a transfer is
 * compared end to end. They never block: the test's loop polls them between steps of virtual
 * time, as a selector loop would.
 */
final class SimApps {

    private SimApps() {
    }

    /** Records what TCP tells an endpoint. */
    static final class Endpoint implements StreamEndpoint {
        final List<String> events = new ArrayList<>();
        boolean connected;
        boolean closed;
        SocketError error;

        @Override
        public void connected() {
            connected = true;
            events.add("connected");
        }

        @Override
        public void readable() {
        }

        @Override
        public void writable() {
        }

        @Override
        public void closed(SocketError e) {
            closed = true;
            error = e;
            events.add("closed " + e);
        }
    }

    /** Accepts every connection with a fresh recording endpoint. */
    static final class Acceptor implements StreamAcceptor {
        final List<StreamConnection> accepted = new ArrayList<>();
        final List<Endpoint> endpoints = new ArrayList<>();

        @Override
        public StreamEndpoint accepted(StreamConnection connection) {
            accepted.add(connection);
            Endpoint e = new Endpoint();
            endpoints.add(e);
            return e;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Writes {@code size} seeded pseudo-random bytes, as much as the send buffer takes per call. */
    static final class Sender {
        private final Random data;
        private final MessageDigest digest = sha256();
        private final byte[] chunk = new byte[65536];
        private final ByteBuffer pending = ByteBuffer.wrap(chunk).limit(0);
        private long remaining;
        long written;

        Sender(long size, long seed) {
            this.remaining = size;
            this.data = new Random(seed);
        }

        /** Writes what fits; true once every byte is in the send buffer. */
        boolean pump(StreamConnection c) throws NetSocketException {
            while (true) {
                if (!pending.hasRemaining()) {
                    if (remaining == 0) {
                        return true;
                    }
                    int n = (int) Math.min(chunk.length, remaining);
                    data.nextBytes(chunk);
                    pending.clear().limit(n);
                    remaining -= n;
                }
                int before = pending.position();
                int n = c.write(pending);
                if (n <= 0) {
                    return false;
                }
                digest.update(chunk, before, n);
                written += n;
            }
        }

        String hash() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    /** Reads everything until EOF, hashing it. */
    static final class Receiver {
        private final MessageDigest digest = sha256();
        private final ByteBuffer into = ByteBuffer.allocate(65536);
        long read;
        boolean eof;

        /** Reads all that is there; true once EOF has been read. */
        boolean pump(StreamConnection c) throws NetSocketException {
            while (!eof) {
                into.clear();
                int n = c.read(into);
                if (n < 0) {
                    eof = true;
                } else if (n == 0) {
                    return false;
                } else {
                    digest.update(into.array(), 0, n);
                    read += n;
                }
            }
            return true;
        }

        String hash() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
