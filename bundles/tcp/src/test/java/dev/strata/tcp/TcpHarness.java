package dev.strata.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.ipv4.SendResult;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.stats.Counters;
import dev.strata.api.time.ManualScheduler;
import dev.strata.api.time.Scheduler;
import dev.strata.api.transport.StreamAcceptor;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamEndpoint;
import dev.strata.api.transport.StreamListener;
import dev.strata.api.transport.StreamOptions;

/**
 * A packetdrill-style harness: a test scripts the exact segments a peer sends (flags, seq,
 * ack, window, options, payload) into a {@link TcpStack}, through the receive path IPv4
 * uses, and asserts the exact segments TCP answers, captured by a fake IPv4 and printed in a
 * tcpdump-like line: {@code S. seq 100 ack 1001 win 65535 <mss 1460,sackOK,TS ecr 7,wscale 1>}.
 * Our TSval is left out of the line (it is the clock plus a per-connection offset); tests
 * that care read {@link Sent#tsVal}. Time is a ManualScheduler's.
 */
final class TcpHarness {

    static final int LOCAL = Ipv4Address.parse("198.18.0.1");
    static final int REMOTE = Ipv4Address.parse("198.18.0.2");

    final BufferPool pool = new BufferPool();
    final ManualScheduler clock = new ManualScheduler(1_000_000_000L);
    final Counters<TcpStatistic> counters = new Counters<>("Tcp", TcpStatistic.class);
    final FakeIp ip = new FakeIp();
    /** The ISN the stack uses next (a fixed value, so tests can start near 2^32). */
    int isn = 1_000_000;
    final TcpStack stack;
    /** When set, injected segments go to this stack instead. */
    TcpStack redirect;

    TcpHarness() {
        this(TcpConfig.DEFAULTS);
    }

    TcpHarness(TcpConfig config) {
        IsnGenerator fixed = new IsnGenerator(clock, 1, 2) {
            @Override
            int next(int localAddress, int localPort, int remoteAddress, int remotePort) {
                return isn;
            }
        };
        stack = new TcpStack(pool, clock, () -> ip, counters, config, fixed, name -> new BuiltinReno());
    }

    // ---- what TCP sent ------------------------------------------------------------------------------

    record Sent(int source, int destination, int sourcePort, int destinationPort, int seq, int ack, int flags, int window,
            String options, int tsVal, byte[] payload, boolean checksumValid) {

        String line() {
            StringBuilder s = new StringBuilder(flagString(flags));
            s.append(" seq ").append(Seq.unsigned(seq));
            if ((flags & TcpHeader.ACK) != 0) {
                s.append(" ack ").append(Seq.unsigned(ack));
            }
            s.append(" win ").append(window);
            if (!options.isEmpty()) {
                s.append(" <").append(options).append('>');
            }
            if (payload.length > 0) {
                s.append(" len ").append(payload.length);
            }
            return s.toString();
        }

        String text() {
            return new String(payload, StandardCharsets.ISO_8859_1);
        }
    }

    static String flagString(int flags) {
        StringBuilder s = new StringBuilder();
        if ((flags & TcpHeader.SYN) != 0) {
            s.append('S');
        }
        if ((flags & TcpHeader.FIN) != 0) {
            s.append('F');
        }
        if ((flags & TcpHeader.RST) != 0) {
            s.append('R');
        }
        if ((flags & TcpHeader.PSH) != 0) {
            s.append('P');
        }
        if ((flags & TcpHeader.ACK) != 0) {
            s.append('.');
        }
        return s.toString();
    }

    final class FakeIp implements Ipv4Output {
        final ArrayDeque<Sent> sent = new ArrayDeque<>();
        /** What gsoMaxSizeFor answers: a link with TSO and checksum offload when not 0. */
        int gsoMaxSize;
        /** The gsoSize of every segment sent, in order. */
        final List<Integer> gsoSizes = new ArrayList<>();
        /** How many segments came with their checksum left to the link, of how many. */
        int partialChecksums;
        int sentCount;

        @Override
        public int gsoMaxSizeFor(int destination) {
            return gsoMaxSize;
        }

        @Override
        public SendResult send(PacketBuffer payload, int source, int destination, int protocol, int ttl, int tos,
                boolean dontFragment) {
            try {
                assertEquals(6, protocol);
                assertEquals(payload.start(), payload.transportOffset());
                gsoSizes.add(payload.gsoSize());
                sentCount++;
                if (payload.checksumPartial()) {
                    // as the link does (skb_checksum_help): the field holds the pseudo-header's sum
                    partialChecksums++;
                    int at = payload.start();
                    payload.putU16(at + TcpHeader.CHECKSUM,
                            dev.strata.api.ipv4.InternetChecksum.compute(payload, at, payload.length(), 0));
                }
                sent.add(decode(payload, source, destination));
            } finally {
                payload.release();
            }
            return SendResult.SENT;
        }

        @Override
        public int sourceAddressFor(int destination) {
            return LOCAL;
        }

        @Override
        public int mtuFor(int destination) {
            return 1500;
        }
    }

    private Sent decode(PacketBuffer b, int source, int destination) {
        int at = b.start();
        int headerLength = TcpHeader.headerLength(b, at);
        TcpOptions o = new TcpOptions();
        assertEquals(null, o.parse(b, at + 20, headerLength - 20));
        List<String> parts = new ArrayList<>();
        if (o.mss >= 0) {
            parts.add("mss " + o.mss);
        }
        if (o.sackPermitted) {
            parts.add("sackOK");
        }
        if (o.timestamps) {
            parts.add("TS ecr " + Seq.unsigned(o.tsEcr));
        }
        if (o.windowScale >= 0) {
            parts.add("wscale " + o.windowScale);
        }
        for (int i = 0; i < o.sackBlockCount; i++) {
            parts.add("sack " + Seq.unsigned(o.sackBlocks[2 * i]) + ":" + Seq.unsigned(o.sackBlocks[2 * i + 1]));
        }
        byte[] payload = new byte[b.length() - headerLength];
        b.getBytes(at + headerLength, payload, 0, payload.length);
        return new Sent(source, destination, TcpHeader.sourcePort(b, at), TcpHeader.destinationPort(b, at),
                TcpHeader.sequence(b, at), TcpHeader.acknowledgment(b, at), TcpHeader.flags(b, at), TcpHeader.window(b, at),
                String.join(",", parts), o.tsVal, payload, TcpHeader.checksumValid(b, at, b.length(), source, destination));
    }

    /** The next segment TCP sent; fails if none. */
    Sent next() {
        Sent s = ip.sent.poll();
        assertTrue(s != null, "expected a segment, TCP sent none");
        assertTrue(s.checksumValid(), "bad checksum on " + s.line());
        return s;
    }

    /** Asserts the next segment's line. */
    Sent expect(String line) {
        Sent s = next();
        assertEquals(line, s.line());
        return s;
    }

    void expectNothing() {
        Sent s = ip.sent.poll();
        assertTrue(s == null, () -> "expected silence, TCP sent " + s.line());
    }

    // ---- what the peer sends ----------------------------------------------------------------------------

    /** A segment from the peer, built fluently and injected with {@link #inject}. */
    static final class In {
        /** The peer's address (another one for spoofed segments). */
        int source = REMOTE;
        int sourcePort = 40000;
        int destinationPort = 8080;
        int seq;
        int ack;
        int flags;
        int window = 65535;
        final TcpOptions options = new TcpOptions();
        byte[] payload = new byte[0];
        boolean corrupt;
        /** The link vouches for the checksum (PacketBuffer#checksumVerified). */
        boolean verified;
        /** A merged segment's segment size (PacketBuffer#gsoSize). */
        int gsoSize;

        In(String flags) {
            for (char c : flags.toCharArray()) {
                this.flags |= switch (c) {
                    case 'S' -> TcpHeader.SYN;
                    case 'F' -> TcpHeader.FIN;
                    case 'R' -> TcpHeader.RST;
                    case 'P' -> TcpHeader.PSH;
                    case '.' -> TcpHeader.ACK;
                    default -> throw new IllegalArgumentException(flags);
                };
            }
        }

        In seq(long v) {
            seq = (int) v;
            return this;
        }

        In ack(long v) {
            ack = (int) v;
            return this;
        }

        In win(int v) {
            window = v;
            return this;
        }

        In ports(int source, int destination) {
            sourcePort = source;
            destinationPort = destination;
            return this;
        }

        In from(int address) {
            source = address;
            return this;
        }

        In mss(int v) {
            options.mss = v;
            return this;
        }

        In wscale(int v) {
            options.windowScale = v;
            return this;
        }

        In sackOk() {
            options.sackPermitted = true;
            return this;
        }

        In ts(long val, long ecr) {
            options.timestamps = true;
            options.tsVal = (int) val;
            options.tsEcr = (int) ecr;
            return this;
        }

        In data(String text) {
            payload = text.getBytes(StandardCharsets.ISO_8859_1);
            return this;
        }

        In corrupt() {
            corrupt = true;
            return this;
        }

        /** As a TAP with offloads hands it over: checksum vouched for, and merged of segments of {@code size}. */
        In offloaded(int size) {
            verified = true;
            gsoSize = size;
            return this;
        }
    }

    static In seg(String flags) {
        return new In(flags);
    }

    /** Passes the segment to TCP as IPv4 would (Ethernet and IPv4 headers in front). */
    void inject(In in) {
        boolean syn = (in.flags & TcpHeader.SYN) != 0;
        int optionLength = in.options.length(syn);
        int length = 20 + optionLength + in.payload.length;
        PacketBuffer b = pool.allocate(14 + 20 + length);
        b.append(14);
        int ipAt = b.append(20);
        b.putU8(ipAt, 0x45);
        b.putU16(ipAt + 2, 20 + length);
        b.putU8(ipAt + 8, 64);
        b.putU8(ipAt + 9, 6);
        b.putI32(ipAt + 12, in.source);
        b.putI32(ipAt + 16, LOCAL);
        int at = b.append(length);
        TcpHeader.write(b, at, in.sourcePort, in.destinationPort, in.seq, in.ack, 20 + optionLength, in.flags, in.window);
        in.options.write(b, at + 20, syn);
        b.putBytes(at + 20 + optionLength, in.payload, 0, in.payload.length);
        TcpHeader.writeChecksum(b, at, length, in.source, LOCAL);
        if (in.corrupt) {
            b.putU16(at + TcpHeader.CHECKSUM, b.getU16(at + TcpHeader.CHECKSUM) ^ 0x0101);
        }
        b.networkOffset(ipAt);
        b.region(at, at + length);
        b.transportOffset(at);
        b.checksumVerified(in.verified);
        b.gsoSize(in.gsoSize);
        (redirect != null ? redirect : stack).receive(b);
    }

    void advance(long millis) {
        clock.advance(millis, TimeUnit.MILLISECONDS);
    }

    long counter(TcpStatistic s) {
        return counters.get(s);
    }

    // ---- the socket layer's side --------------------------------------------------------------------------

    /** Records what TCP tells an endpoint. */
    static final class Endpoint implements StreamEndpoint {
        final List<String> events = new ArrayList<>();
        SocketError error;

        @Override
        public void connected() {
            events.add("connected");
        }

        @Override
        public void readable() {
            events.add("readable");
        }

        @Override
        public void writable() {
            events.add("writable");
        }

        @Override
        public void closed(SocketError e) {
            events.add("closed " + e);
            error = e;
        }
    }

    /** Accepts every connection with a fresh recording endpoint. */
    static final class Acceptor implements StreamAcceptor {
        final List<StreamConnection> accepted = new ArrayList<>();
        final Endpoint endpoint = new Endpoint();
        /** The accept queue has no room (StreamAcceptor#acceptQueueFull). */
        boolean full;

        @Override
        public StreamEndpoint accepted(StreamConnection connection) {
            accepted.add(connection);
            return endpoint;
        }

        @Override
        public boolean acceptQueueFull() {
            return full;
        }
    }

    StreamListener listen(Acceptor acceptor, int port) throws NetSocketException {
        return stack.listen(acceptor, 0, port, 16, options());
    }

    static StreamOptions options() {
        return StreamOptions.DEFAULTS;
    }

    StreamConnection connect(Endpoint endpoint, int localPort, int remotePort) throws NetSocketException {
        return stack.connect(endpoint, LOCAL, localPort, REMOTE, remotePort, options());
    }

    static String read(StreamConnection c) throws NetSocketException {
        ByteBuffer into = ByteBuffer.allocate(65536);
        int n = c.read(into);
        if (n < 0) {
            return null;
        }
        into.flip();
        return StandardCharsets.ISO_8859_1.decode(into).toString();
    }

    static int write(StreamConnection c, String text) throws NetSocketException {
        return c.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    Scheduler scheduler() {
        return clock;
    }
}
