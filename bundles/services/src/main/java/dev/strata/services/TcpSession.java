package dev.strata.services;

import java.nio.ByteBuffer;

import dev.strata.api.socket.NetSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketEndpoint;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.StreamSocket;
import dev.strata.api.stats.Counters;

/**
 * One connection accepted by a {@link TcpService}, served by the selector thread without
 * allocating per read.
 *
 * <p>Discard (RFC 863) reads into the loop's shared buffer as fast as data comes and closes
 * when the peer does. Echo (RFC 862) reads into the connection's own buffer and writes it
 * back; while some of it is not written (the peer does not read, its window is shut) the
 * connection stops reading (interest WRITE only), so that the peer's sending stalls on our
 * window rather than our memory growing: backpressure end to end. When the peer shuts down
 * its output, echo writes what it still holds, shuts down its own output (the peer reads
 * EOF after the last byte, as {@code nc -N} and socat wait for) and closes.
 *
 * <p>Chargen (RFC 864) writes slices of the precomputed {@link Chargen} pattern whenever the
 * socket has room and throws away what it reads; the peer's FIN closes it.
 *
 * <p>Any error (reset, TCP gone) closes this connection only.
 */
final class TcpSession implements ServiceLoop.Handler {

    /** Echo's buffer per connection, allocated on its first read. */
    static final int ECHO_BUFFER = 16 * 1024;
    /** Reads (or echo rounds) per readiness, so that one fast connection cannot starve the others. */
    static final int BATCH = 16;

    private final TcpService service;
    private final StreamSocket socket;
    private final Counters<ServiceStatistic> counters;
    private final boolean echo;
    private final boolean chargen;
    /** Chargen: the pattern (a view per session, allocated once) and the stream's phase in it. */
    private ByteBuffer pattern;
    private int phase;
    private SocketSelector.Key key;
    private int interest;
    /** Echo: bytes read and not yet written back, in [0, position). */
    private ByteBuffer pending;
    /** Echo: the peer has shut down its output (FIN read). */
    private boolean inputDone;
    private boolean closed;

    TcpSession(TcpService service, StreamSocket socket, Counters<ServiceStatistic> counters) {
        this.service = service;
        this.socket = socket;
        this.counters = counters;
        this.echo = service.kind() == UdpService.Kind.ECHO;
        this.chargen = service.kind() == UdpService.Kind.CHARGEN;
    }

    void register(SocketSelector selector) {
        // chargen writes as long as the peer takes data, and reads (to throw away) what it sends
        interest = chargen ? SocketSelector.READ | SocketSelector.WRITE : SocketSelector.READ;
        key = selector.register(socket, interest, false, this);
    }

    NetSocket socket() {
        return socket;
    }

    @Override
    public int serve(SocketSelector.Key ready, ByteBuffer buffer, SocketEndpoint from) {
        if (closed) {
            return CLOSED;
        }
        if (chargen) {
            return chargen(ready.ready(), buffer);
        }
        return echo ? echo() : discard(buffer);
    }

    /**
     * RFC 864: "Once a connection is established a stream of data is sent out the connection
     * (and any data received is thrown away). This continues until the calling user terminates
     * the connection." Writes slices of the precomputed pattern as long as the socket takes
     * them; reads and drops what comes in, and closes at the peer's FIN or on any error.
     */
    private int chargen(int ready, ByteBuffer buffer) {
        if (pattern == null) {
            pattern = Chargen.buffer();
        }
        int work = 0;
        if ((ready & SocketSelector.WRITE) != 0) {
            // one write per readiness: a second one could find the buffer exactly full and pay
            // an EAGAIN (an exception); the level-triggered selector calls again while there is room
            pattern.limit(phase + Chargen.MAX_WRITE).position(phase);
            int written;
            try {
                written = socket.write(pattern);
            } catch (NetSocketException e) {
                if (e.error() != SocketError.EAGAIN) {
                    return failed(e, work);
                }
                written = 0;
            }
            if (written > 0) {
                counters.add(ServiceStatistic.ChargenTcpBytes, written);
                phase = (phase + written) % Chargen.PERIOD;
                work++;
            }
        }
        if ((ready & SocketSelector.READ) == 0) {
            return work; // reading now would cost an EAGAIN (an exception) for looking
        }
        // anything the peer sent is thrown away; its FIN ends the service
        buffer.clear();
        int length;
        try {
            length = socket.read(buffer);
        } catch (NetSocketException e) {
            return failed(e, work);
        }
        if (length < 0) {
            close();
            return work + 1;
        }
        return length > 0 ? work + 1 : work;
    }

    /** RFC 863: "simply throws away any data it receives". */
    private int discard(ByteBuffer buffer) {
        int reads = 0;
        while (reads < BATCH) {
            buffer.clear();
            int length;
            try {
                length = socket.read(buffer);
            } catch (NetSocketException e) {
                return failed(e, reads);
            }
            if (length < 0) {
                close();
                return reads + 1;
            }
            if (length == 0) {
                return reads;
            }
            counters.add(ServiceStatistic.DiscardTcpBytes, length);
            reads++;
            if (buffer.hasRemaining()) {
                // A short read took all there was: wait for the selector rather than pay an
                // EAGAIN (an exception) for looking.
                return reads;
            }
        }
        return reads;
    }

    /** RFC 862: "any data received is sent back", in order, with backpressure. */
    private int echo() {
        if (pending == null) {
            pending = ByteBuffer.allocate(ECHO_BUFFER);
        }
        int work = 0;
        while (work < BATCH) {
            if (pending.position() > 0) {
                pending.flip();
                int written;
                try {
                    written = socket.write(pending);
                } catch (NetSocketException e) {
                    if (e.error() != SocketError.EAGAIN) {
                        pending.compact();
                        return failed(e, work);
                    }
                    written = 0;
                }
                pending.compact();
                if (written > 0) {
                    counters.add(ServiceStatistic.EchoTcpBytes, written);
                    work++;
                }
                if (pending.position() > 0) {
                    // Output blocked: stop reading until it drains (backpressure).
                    interest(SocketSelector.WRITE);
                    return work;
                }
            }
            if (inputDone) {
                finish();
                return work + 1;
            }
            int length;
            try {
                length = socket.read(pending);
            } catch (NetSocketException e) {
                if (e.error() == SocketError.EAGAIN) {
                    interest(SocketSelector.READ);
                    return work;
                }
                return failed(e, work);
            }
            if (length < 0) {
                // The peer shut down its output: write back what is left, then FIN.
                inputDone = true;
                work++;
                continue;
            }
            if (length == 0) {
                interest(SocketSelector.READ);
                return work;
            }
            work++;
            if (pending.hasRemaining()) {
                // A short read took all there was; write it, then wait for the selector
                // rather than pay an EAGAIN for looking.
                if (!flushAfterShortRead()) {
                    return work;
                }
                interest(SocketSelector.READ);
                return work;
            }
        }
        interest(pending.position() > 0 ? SocketSelector.WRITE : SocketSelector.READ);
        return work;
    }

    /**
     * Writes back what a short read brought.
     *
     * @return true when all of it went out (reading goes on), false when output blocked
     *     (interest WRITE set) or the connection failed (closed)
     */
    private boolean flushAfterShortRead() {
        pending.flip();
        int written;
        try {
            written = socket.write(pending);
        } catch (NetSocketException e) {
            if (e.error() != SocketError.EAGAIN) {
                pending.compact();
                failed(e, 0);
                return false;
            }
            written = 0;
        }
        pending.compact();
        if (written > 0) {
            counters.add(ServiceStatistic.EchoTcpBytes, written);
        }
        if (pending.position() > 0) {
            interest(SocketSelector.WRITE);
            return false;
        }
        return true;
    }

    /** Everything echoed after the peer's FIN: our FIN follows the last byte, then close. */
    private void finish() {
        try {
            socket.shutdown(NetSocket.Shutdown.WRITE);
        } catch (NetSocketException e) {
            // The peer is gone already: nothing left to tell it.
        }
        close();
    }

    private void interest(int ops) {
        if (ops != interest && key != null) {
            interest = ops;
            key.interest(ops);
        }
    }

    /** A failed read or write: EAGAIN is nothing, anything else closes this connection (and is counted). */
    private int failed(NetSocketException e, int work) {
        if (e.error() == SocketError.EAGAIN) {
            return work;
        }
        if (e.error() != SocketError.EBADF) {
            counters.increment(ServiceStatistic.Errors);
        }
        close();
        return work + 1;
    }

    /** Closes the socket (which cancels its key); idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        socket.close();
        service.closed(this);
    }
}
