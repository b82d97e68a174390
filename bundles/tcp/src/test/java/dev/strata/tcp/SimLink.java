package dev.strata.tcp;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.ipv4.SendResult;
import dev.strata.api.stats.Counters;
import dev.strata.api.time.ManualScheduler;

/**
 * A deterministic simulated network for whole-stack tests: two {@link TcpStack}s (198.18.0.1
 * and 198.18.0.2), each with its own {@link BufferPool}, joined by an in-memory link under
 * one {@link ManualScheduler}, so time is virtual and a run is a pure function of its seed.
 * <p>
 * Each stack's fake IPv4 hands a segment to the link, which copies it into a fresh buffer of
 * the receiving stack's pool with an IPv4 header in front (as IPv4 passes it up: network and
 * transport offsets set, the region the TCP segment) and delivers it after the propagation
 * delay through a scheduled task. Seeded with {@link Random}, the link can drop, duplicate,
 * reorder (an extra random delay) and corrupt (flip one byte of the TCP segment, which the
 * TCP checksum must catch: a one-byte change never keeps the ones' complement sum, RFC 1071)
 * segments, in both directions alike.
 */
final class SimLink {

    static final int ADDRESS_A = Ipv4Address.parse("198.18.0.1");
    static final int ADDRESS_B = Ipv4Address.parse("198.18.0.2");

    /** What the link does to each segment; probabilities per segment, both directions. */
    record Impairment(double loss, double duplicate, double reorder, double corrupt, long delayMillis,
            long reorderMillis) {

        static final Impairment NONE = new Impairment(0, 0, 0, 0, 5, 0);

        @Override
        public String toString() {
            return String.format("loss %.1f%% dup %.1f%% reorder %.1f%% (+%d ms) corrupt %.1f%% delay %d ms", loss * 100,
                    duplicate * 100, reorder * 100, reorderMillis, corrupt * 100, delayMillis);
        }
    }

    final ManualScheduler clock = new ManualScheduler(1_000_000_000L);
    final Random random;
    final Impairment impairment;
    final Host a;
    final Host b;

    /**
     * Segments each loss drops in a row in one direction (1: independent losses), as a
     * drop-tail queue overflowing does: several losses in one window of data.
     */
    int lossBurst = 1;

    /** When set, every segment and its fate is printed (for replaying a failing seed). */
    boolean trace;

    long carried;
    long dropped;
    long duplicated;
    long reordered;
    long corrupted;
    long delivered;

    SimLink(long seed, Impairment impairment) {
        this(seed, impairment, null);
    }

    /**
     * @param isn when not null, the first ISN each stack uses (each next connection's is
     *        1,000,000 further on), so sequence numbers can start near 2^32
     */
    SimLink(long seed, Impairment impairment, Long isn) {
        this.random = new Random(seed);
        this.impairment = impairment;
        this.a = new Host(ADDRESS_A, seed * 31 + 1, isn);
        this.b = new Host(ADDRESS_B, seed * 31 + 2, isn);
        a.peer = b;
        b.peer = a;
    }

    /** One stack on the link, with the fake IPv4 below it. */
    final class Host implements Ipv4Output {
        final int address;
        final BufferPool pool = new BufferPool();
        final Counters<TcpStatistic> counters = new Counters<>("Tcp", TcpStatistic.class);
        final TcpStack stack;
        Host peer;
        /** Segments still to drop towards this host in the current loss burst. */
        int burstLeft;

        Host(int address, long isnKey, Long isn) {
            this.address = address;
            IsnGenerator isns = isn == null ? new IsnGenerator(clock, isnKey, ~isnKey) : new IsnGenerator(clock, 1, 2) {
                private int next = (int) (long) isn;

                @Override
                int next(int localAddress, int localPort, int remoteAddress, int remotePort) {
                    int value = next;
                    next += 1_000_000;
                    return value;
                }
            };
            stack = new TcpStack(pool, clock, () -> this, counters, TcpConfig.DEFAULTS, isns, name -> new BuiltinReno());
        }

        @Override
        public SendResult send(PacketBuffer payload, int source, int destination, int protocol, int ttl, int tos,
                boolean dontFragment) {
            try {
                if (destination == peer.address) {
                    carry(payload, source, destination, peer);
                }
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

        long counter(TcpStatistic s) {
            return counters.get(s);
        }
    }

    private void carry(PacketBuffer segment, int source, int destination, Host to) {
        carried++;
        if (to.burstLeft > 0 || random.nextDouble() < impairment.loss) {
            to.burstLeft = (to.burstLeft > 0 ? to.burstLeft : lossBurst) - 1;
            dropped++;
            trace(segment, source, "dropped");
            return;
        }
        trace(segment, source, "");
        int copies = 1;
        if (random.nextDouble() < impairment.duplicate) {
            duplicated++;
            copies = 2;
        }
        for (int i = 0; i < copies; i++) {
            PacketBuffer b = copy(segment, source, destination, to.pool);
            if (random.nextDouble() < impairment.corrupt) {
                corrupted++;
                int at = b.transportOffset() + random.nextInt(b.length());
                b.putU8(at, b.getU8(at) ^ (1 + random.nextInt(255)));
            }
            long delay = TimeUnit.MILLISECONDS.toNanos(impairment.delayMillis);
            if (random.nextDouble() < impairment.reorder) {
                reordered++;
                delay += (long) (random.nextDouble() * TimeUnit.MILLISECONDS.toNanos(impairment.reorderMillis));
            }
            clock.schedule(() -> {
                delivered++;
                to.stack.receive(b);
            }, delay, TimeUnit.NANOSECONDS);
        }
    }

    private void trace(PacketBuffer segment, int source, String fate) {
        if (!trace) {
            return;
        }
        int at = segment.start();
        int payload = segment.length() - TcpHeader.headerLength(segment, at);
        System.out.printf("%9d ms %s %-3s seq %d ack %d win %d len %d %s%n", nowMillis(), source == ADDRESS_A ? "A>B" : "B>A",
                TcpHarness.flagString(TcpHeader.flags(segment, at)), Seq.unsigned(TcpHeader.sequence(segment, at)),
                Seq.unsigned(TcpHeader.acknowledgment(segment, at)), TcpHeader.window(segment, at), payload, fate);
    }

    /** The segment in a fresh buffer of the receiver's pool, framed as IPv4 hands it to TCP. */
    private static PacketBuffer copy(PacketBuffer segment, int source, int destination, BufferPool pool) {
        int length = segment.length();
        PacketBuffer b = pool.allocate(20 + length);
        int ipAt = b.append(20);
        // RFC 791 Figure 4: version/IHL, total length, TTL, protocol, addresses (IPv4 has validated the rest)
        b.putU8(ipAt, 0x45);
        b.putU16(ipAt + 2, 20 + length);
        b.putU8(ipAt + 8, 64);
        b.putU8(ipAt + 9, 6);
        b.putI32(ipAt + 12, source);
        b.putI32(ipAt + 16, destination);
        int at = b.append(length);
        b.copyFrom(segment, segment.start(), at, length);
        b.networkOffset(ipAt);
        b.region(at, at + length);
        b.transportOffset(at);
        return b;
    }

    void advanceMillis(long millis) {
        clock.advance(millis, TimeUnit.MILLISECONDS);
    }

    long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(clock.nanoTime());
    }

    /** The link's tally, for failure messages. */
    String tally() {
        return "carried " + carried + " dropped " + dropped + " duplicated " + duplicated + " reordered " + reordered
                + " corrupted " + corrupted + " delivered " + delivered;
    }
}
