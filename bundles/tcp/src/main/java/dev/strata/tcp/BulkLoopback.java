package dev.strata.tcp;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.ipv4.SendResult;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.stats.Counters;
import dev.strata.api.time.ManualScheduler;
import dev.strata.api.transport.StreamAcceptor;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamEndpoint;
import dev.strata.api.transport.StreamOptions;

/**
 * Test and benchmark entry, not a service: two whole {@link TcpStack}s in memory (198.18.0.1
 * and 198.18.0.2, each with its own {@link BufferPool}) joined by a lossless zero-delay link
 * (each segment copied into a pooled buffer of the other side and queued, as IPv4 would pass it
 * up), one established connection between them, and a bulk transfer from B to A driven by
 * {@link #transfer}. Time is a {@link ManualScheduler} that does not move, so only the
 * established path runs (no timer fires). Single-threaded. Public only so that the JMH
 * benchmarks (benchmarks/, TcpBulkBenchmark) can reach it without OSGi; the package stays private.
 */
public final class BulkLoopback {

    private static final int ADDRESS_A = Ipv4Address.parse("198.18.0.1");
    private static final int ADDRESS_B = Ipv4Address.parse("198.18.0.2");

    private final ManualScheduler clock = new ManualScheduler(1_000_000_000L);
    private final Side a = new Side(ADDRESS_A, 1);
    private final Side b = new Side(ADDRESS_B, 2);
    private final StreamConnection sender;
    private final StreamConnection receiver;
    private final ByteBuffer out = ByteBuffer.allocate(256 * 1024);
    private final ByteBuffer in = ByteBuffer.allocate(256 * 1024);
    private long segments;

    /** One stack and the fake IPv4 under it that queues what it sends for the peer. */
    private final class Side implements Ipv4Output {
        final int address;
        final BufferPool pool = new BufferPool();
        final Counters<TcpStatistic> counters = new Counters<>("Tcp", TcpStatistic.class);
        final TcpStack stack;
        /** Segments for this side, in the order sent. */
        final ArrayDeque<PacketBuffer> queue = new ArrayDeque<>(4096);
        Side peer;

        Side(int address, long key) {
            this.address = address;
            stack = new TcpStack(pool, clock, () -> this, counters, TcpConfig.DEFAULTS, new IsnGenerator(clock, key, ~key),
                    name -> new BuiltinReno());
        }

        @Override
        public SendResult send(PacketBuffer payload, int source, int destination, int protocol, int ttl, int tos,
                boolean dontFragment) {
            try {
                int length = payload.length();
                PacketBuffer copy = peer.pool.allocate(20 + length);
                int ipAt = copy.append(20);
                copy.putU8(ipAt, 0x45); // RFC 791 Figure 4: what TCP reads of the IPv4 header
                copy.putU16(ipAt + 2, 20 + length);
                copy.putU8(ipAt + 8, 64);
                copy.putU8(ipAt + 9, 6);
                copy.putI32(ipAt + 12, source);
                copy.putI32(ipAt + 16, destination);
                int at = copy.append(length);
                copy.copyFrom(payload, payload.start(), at, length);
                copy.networkOffset(ipAt);
                copy.region(at, at + length);
                copy.transportOffset(at);
                peer.queue.add(copy);
                segments++;
            } finally {
                payload.release();
            }
            return SendResult.SENT;
        }

        @Override
        public int sourceAddressFor(int destination) {
            return address;
        }

        @Override
        public int mtuFor(int destination) {
            return 1500;
        }

        /** Delivers what is queued for this side; false when nothing was. */
        boolean deliver() {
            boolean any = false;
            PacketBuffer p;
            while ((p = queue.poll()) != null) {
                stack.receive(p);
                any = true;
            }
            return any;
        }
    }

    private static final class Quiet implements StreamEndpoint {
        @Override
        public void connected() {
        }

        @Override
        public void readable() {
        }

        @Override
        public void writable() {
        }

        @Override
        public void closed(dev.strata.api.socket.SocketError error) {
        }
    }

    /**
     * @param options both connections' options (buffer sizes: {@link StreamOptions#AUTOTUNED} lets them grow)
     */
    public BulkLoopback(StreamOptions options) throws NetSocketException {
        a.peer = b;
        b.peer = a;
        StreamConnection[] accepted = new StreamConnection[1];
        StreamAcceptor acceptor = connection -> {
            accepted[0] = connection;
            return new Quiet();
        };
        a.stack.listen(acceptor, Ipv4Address.ANY, 80, 4, options);
        sender = b.stack.connect(new Quiet(), ADDRESS_B, 0, ADDRESS_A, 80, options);
        while (a.deliver() | b.deliver()) {
            // the handshake
        }
        receiver = accepted[0];
        if (receiver == null || !"ESTABLISHED".equals(sender.state())) {
            throw new IllegalStateException("no connection: " + sender.state());
        }
    }

    /**
     * Moves {@code bytes} from B's application to A's (written and read in chunks of up to 256
     * KB, each a pass of writing, delivering both ways and reading); returns the segments the
     * link carried meanwhile, both directions.
     */
    public long transfer(long bytes) throws NetSocketException {
        long before = segments;
        long written = 0;
        long read = 0;
        while (read < bytes) {
            if (written < bytes) {
                out.clear();
                out.limit((int) Math.min(out.capacity(), bytes - written));
                written += sender.write(out);
            }
            boolean moved = true;
            while (moved) {
                moved = a.deliver() | b.deliver();
                in.clear();
                int n = receiver.read(in);
                if (n > 0) {
                    read += n;
                    moved = true;
                }
            }
        }
        return segments - before;
    }

    /** The segments the link carried so far, both directions. */
    public long segments() {
        return segments;
    }

    /** Retransmissions the sending stack made (0 on this lossless link, unless a timer misfired). */
    public long retransmissions() {
        return b.counters.get(TcpStatistic.RETRANS_SEGS);
    }
}
