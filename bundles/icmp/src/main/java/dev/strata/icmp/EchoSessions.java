package dev.strata.icmp;

import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.icmp.EchoListener;
import dev.strata.api.icmp.EchoService;
import dev.strata.api.icmp.EchoSession;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Header;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.ipv4.SendResult;
import dev.strata.api.stats.Counters;
import dev.strata.api.time.Scheduler;

/**
 * The sending side of {@code ping} (RFC 792 echo): sessions keyed by ICMP identifier, the
 * requests they send, and the matching of replies and errors to them.
 *
 * <p>The table is an array indexed by the 16-bit identifier (64 Ki references), read with
 * volatile semantics from the receive threads: the reply path looks a session up without
 * hashing or boxing.
 */
final class EchoSessions implements EchoService {

    /** Bytes at the front of the echo data that hold the send time (as iputils puts a timeval there). */
    static final int TIMESTAMP_LENGTH = 8;
    /** The largest echo data: 65535 less the IPv4 and ICMP headers. */
    static final int MAX_PAYLOAD = Ipv4Header.MAX_DATAGRAM - Ipv4Header.MIN_LENGTH - IcmpHeader.LENGTH;
    private static final int IDENTIFIERS = 1 << 16;

    private final Ipv4Output output;
    private final BufferPool pool;
    private final Scheduler clock;
    private final Counters<IcmpStatistic> counters;
    private final AtomicReferenceArray<Session> sessions = new AtomicReferenceArray<>(IDENTIFIERS);
    private int nextIdentifier;

    EchoSessions(Ipv4Output output, BufferPool pool, Scheduler clock, Counters<IcmpStatistic> counters, int firstIdentifier) {
        this.output = output;
        this.pool = pool;
        this.clock = clock;
        this.counters = counters;
        this.nextIdentifier = firstIdentifier & 0xffff;
    }

    @Override
    public EchoSession open(EchoListener listener) {
        if (listener == null) {
            throw new NullPointerException("listener");
        }
        synchronized (this) {
            for (int i = 0; i < IDENTIFIERS; i++) {
                int identifier = nextIdentifier;
                nextIdentifier = (nextIdentifier + 1) & 0xffff;
                if (sessions.get(identifier) == null) {
                    Session session = new Session(identifier, listener);
                    sessions.set(identifier, session);
                    return session;
                }
            }
        }
        throw new IllegalStateException("all 65536 ICMP echo identifiers are in use");
    }

    /** Closes every session (the component is going away). */
    void closeAll() {
        for (int i = 0; i < IDENTIFIERS; i++) {
            Session session = sessions.getAndSet(i, null);
            if (session != null) {
                session.closed = true;
            }
        }
    }

    /** Sessions open now; for tests and diagnostics. */
    int openSessions() {
        int n = 0;
        for (int i = 0; i < IDENTIFIERS; i++) {
            if (sessions.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * An echo reply arrived (validated, counted): hands it to the session of its identifier.
     * Reads the message at {@code packet.start()}; the caller keeps and releases the buffer.
     */
    void reply(PacketBuffer packet) {
        int at = packet.start();
        int length = packet.length();
        Session session = sessions.get(IcmpHeader.identifier(packet, at));
        if (session == null) {
            counters.increment(IcmpStatistic.NO_ECHO_SESSION);
            return;
        }
        long rtt = -1;
        if (length >= IcmpHeader.LENGTH + TIMESTAMP_LENGTH) {
            int data = at + IcmpHeader.DATA;
            long sent = (packet.getU32(data) << 32) | packet.getU32(data + 4);
            long elapsed = clock.nanoTime() - sent;
            // A forged or corrupted timestamp gives no RTT rather than a negative one.
            rtt = elapsed >= 0 ? elapsed : -1;
        }
        int network = packet.networkOffset();
        try {
            session.listener.reply(Ipv4Header.source(packet, network), IcmpHeader.sequence(packet, at),
                    Ipv4Header.ttl(packet, network), length, rtt);
        } catch (RuntimeException e) {
            counters.increment(IcmpStatistic.CALLBACK_FAILED);
        }
    }

    /**
     * Delivers an error about one of our echo requests, quoted at {@code quotedIcmp} (at
     * least 8 bytes), to its session. Returns false when no session has its identifier.
     */
    boolean error(int from, int type, int code, PacketBuffer packet, int quotedIcmp) {
        Session session = sessions.get(IcmpHeader.identifier(packet, quotedIcmp));
        if (session == null) {
            return false;
        }
        try {
            session.listener.error(from, IcmpHeader.sequence(packet, quotedIcmp), type, code);
        } catch (RuntimeException e) {
            counters.increment(IcmpStatistic.CALLBACK_FAILED);
        }
        return true;
    }

    private SendResult send(Session session, int destination, int sequence, int payloadSize, int ttl) {
        if (payloadSize < 0) {
            throw new IllegalArgumentException("payload size must not be negative: " + payloadSize);
        }
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("ttl must be 1 to 255: " + ttl);
        }
        if (payloadSize > MAX_PAYLOAD) {
            return SendResult.TOO_LARGE;
        }
        int length = IcmpHeader.LENGTH + payloadSize;
        PacketBuffer packet = pool.allocate(length);
        int at = packet.append(length);
        IcmpHeader.write(packet, at, IcmpHeader.TYPE_ECHO_REQUEST, 0);
        IcmpHeader.echo(packet, at, session.identifier, sequence & 0xffff);
        int data = at + IcmpHeader.DATA;
        // iputils: data[i] = i, with the send time over the first bytes when there is room.
        for (int i = 0; i < payloadSize; i++) {
            packet.putU8(data + i, i);
        }
        if (payloadSize >= TIMESTAMP_LENGTH) {
            long now = clock.nanoTime();
            packet.putI32(data, (int) (now >>> 32));
            packet.putI32(data + 4, (int) now);
        }
        IcmpHeader.writeChecksum(packet, at, length);
        packet.transportOffset(at);
        counters.increment(IcmpStatistic.OUT_MSGS);
        counters.increment(IcmpStatistic.OUT_ECHOS);
        SendResult result = output.send(packet, Ipv4Address.ANY, destination, IpProtocol.ICMP, ttl, 0, false);
        if (result != SendResult.SENT) {
            counters.increment(IcmpStatistic.OUT_ERRORS);
        }
        return result;
    }

    /** One session: an identifier and its listener. */
    private final class Session implements EchoSession {
        final int identifier;
        final EchoListener listener;
        private volatile boolean closed;

        Session(int identifier, EchoListener listener) {
            this.identifier = identifier;
            this.listener = listener;
        }

        @Override
        public int identifier() {
            return identifier;
        }

        @Override
        public SendResult send(int destination, int sequence, int payloadSize, int ttl) {
            if (closed) {
                throw new IllegalStateException("echo session " + identifier + " is closed");
            }
            return EchoSessions.this.send(this, destination, sequence, payloadSize, ttl);
        }

        @Override
        public void close() {
            closed = true;
            sessions.compareAndSet(identifier, this, null);
        }
    }
}
