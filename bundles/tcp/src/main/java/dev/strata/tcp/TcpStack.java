package dev.strata.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.ipv4.SendResult;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.SocketError;
import dev.strata.api.stats.Counters;
import dev.strata.api.tcp.CongestionControl;
import dev.strata.api.tcp.TcpConnectionInfo;
import dev.strata.api.time.Scheduler;
import dev.strata.api.transport.StreamAcceptor;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamEndpoint;
import dev.strata.api.transport.StreamListener;
import dev.strata.api.transport.StreamOptions;

/**
 * TCP without OSGi: the connection table, the listeners, segment validation and demux, and
 * the segments sent on behalf of no connection (RFC 9293 3.10.7.1). The DS component wraps
 * one; tests drive one directly with a fake IPv4 and a ManualScheduler.
 */
final class TcpStack {

    final BufferPool pool;
    final Scheduler scheduler;
    final Counters<TcpStatistic> counters;
    /** The tunables in force; replaced whole when the configuration changes (new connections take the new one). */
    volatile TcpConfig config;
    final IsnGenerator isn;
    final SynCookies synCookies;
    final PathMtuCache pathMtus = new PathMtuCache();
    private final Supplier<Ipv4Output> output;
    private final Function<String, CongestionControl> congestionControls;

    private final ConnectionTable connections = new ConnectionTable();
    private final List<Listener> listeners = new ArrayList<>();
    private final ThreadLocal<Segment> segments = ThreadLocal.withInitial(Segment::new);
    private final Outbox.Transmitter transmitter = this::transmitQuietly;
    private int nextEphemeral;
    /** Offer and accept SACK-permitted (RFC 2018 2), as Linux's net.ipv4.tcp_sack (on by default). */
    volatile boolean sack = true;
    /** RACK-TLP loss detection for SACK connections (RFC 8985), as Linux's tcp_recovery bit 1 and tcp_early_retrans 3. */
    volatile boolean rackTlp = true;

    /**
     * @param output IPv4, or null while it is missing
     * @param congestionControls a controller for an algorithm's name (null: the default); never null itself
     */
    TcpStack(BufferPool pool, Scheduler scheduler, Supplier<Ipv4Output> output, Counters<TcpStatistic> counters,
            TcpConfig config, IsnGenerator isn, Function<String, CongestionControl> congestionControls) {
        this.pool = pool;
        this.scheduler = scheduler;
        this.output = output;
        this.counters = counters;
        this.config = config;
        this.isn = isn;
        this.congestionControls = congestionControls;
        this.synCookies = new SynCookies(isn, scheduler);
        this.nextEphemeral = config.ephemeralLow();
    }

    /** A modified configuration, applied without a restart, as a sysctl write is on Linux. */
    synchronized void configure(TcpConfig next) {
        config = next;
        if (nextEphemeral < next.ephemeralLow() || nextEphemeral > next.ephemeralHigh()) {
            nextEphemeral = next.ephemeralLow();
        }
    }

    CongestionControl congestionControl(String name) {
        return congestionControls.apply(name);
    }

    // ---- receive ---------------------------------------------------------------------------------

    /** IpProtocolHandler.receive: validates, demultiplexes and releases the buffer. Never throws. */
    void receive(PacketBuffer packet) {
        try {
            receiveSegment(packet);
        } catch (RuntimeException e) {
            counters.increment(TcpStatistic.CALLBACK_FAILED);
        } finally {
            packet.release();
        }
    }

    private void receiveSegment(PacketBuffer packet) {
        counters.increment(TcpStatistic.IN_SEGS);
        int at = packet.start();
        int length = packet.length();
        TcpStatistic invalid = TcpHeader.validate(packet, at, length);
        if (invalid != null) {
            drop(invalid);
            return;
        }
        int network = packet.networkOffset();
        int source = dev.strata.api.ipv4.Ipv4Header.source(packet, network);
        int destination = dev.strata.api.ipv4.Ipv4Header.destination(packet, network);
        // a link that vouches for the checksum (a TAP's offload: the local kernel's own
        // segments, Linux's CHECKSUM_PARTIAL / CHECKSUM_UNNECESSARY) spares the sum
        if (!packet.checksumVerified() && !TcpHeader.checksumValid(packet, at, length, source, destination)) {
            counters.increment(TcpStatistic.IN_CSUM_ERRORS);
            drop(TcpStatistic.IN_ERRS);
            return;
        }
        Segment seg = segments.get();
        int headerLength = TcpHeader.headerLength(packet, at);
        invalid = seg.options.parse(packet, at + TcpHeader.MIN_LENGTH, headerLength - TcpHeader.MIN_LENGTH);
        if (invalid != null) {
            drop(invalid);
            return;
        }
        seg.source = source;
        seg.destination = destination;
        seg.sourcePort = TcpHeader.sourcePort(packet, at);
        seg.destinationPort = TcpHeader.destinationPort(packet, at);
        seg.seq = TcpHeader.sequence(packet, at);
        seg.ack = TcpHeader.acknowledgment(packet, at);
        seg.flags = TcpHeader.flags(packet, at);
        seg.window = TcpHeader.window(packet, at);
        seg.buffer = packet;
        seg.payloadIndex = at + headerLength;
        seg.payloadLength = length - headerLength;
        seg.gsoSize = packet.gsoSize();
        if (seg.gsoSize > 0 && seg.payloadLength > seg.gsoSize) {
            // a merged segment counts as the segments it was made of (Linux tcp_v4_rcv: gso_segs)
            counters.add(TcpStatistic.IN_SEGS, (seg.payloadLength + seg.gsoSize - 1) / seg.gsoSize - 1);
        }
        if (seg.sourcePort == 0 || seg.destinationPort == 0 || Ipv4Address.isMulticast(destination)
                || Ipv4Address.isMulticast(source) || source == Ipv4Address.BROADCAST || destination == Ipv4Address.BROADCAST) {
            drop(TcpStatistic.BAD_ADDRESS);
            return;
        }
        TcpConnection connection;
        synchronized (this) {
            connection = connections.get(destination, seg.destinationPort, source, seg.sourcePort);
        }
        long iss = -1;
        if (connection != null
                && (seg.flags & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.RST | TcpHeader.FIN)) == TcpHeader.SYN) {
            iss = connection.reuseTimeWait(seg); // RFC 6191: a newer SYN ends a TIME-WAIT
            if (iss >= 0) {
                connection = null;
            }
        }
        if (connection != null) {
            connection.segmentArrives(seg);
            seg.buffer = null;
            return;
        }
        Listener listener = findListener(destination, seg.destinationPort);
        if (listener != null) {
            listener.segmentArrives(seg, iss);
        } else {
            // RFC 9293 3.10.7.1: CLOSED, "an incoming segment not containing a RST causes a RST to be sent"
            sendResetFor(seg);
        }
        seg.buffer = null;
    }

    /**
     * IpProtocolHandler.icmpError: {@code quoted}'s region starts at the IPv4 header of a
     * datagram we sent (and at least 8 bytes of its TCP header: ports and sequence number,
     * RFC 792). Finds the connection by the quoted 4-tuple and hands it the error. The buffer
     * stays the caller's. Never throws.
     */
    void icmpError(int type, int code, int info, PacketBuffer quoted) {
        try {
            int at = quoted.start();
            int length = quoted.length();
            int headerLength = length >= 20 ? dev.strata.api.ipv4.Ipv4Header.headerLength(quoted, at) : 0;
            if (headerLength < 20 || length < headerLength + 8) {
                counters.increment(TcpStatistic.ICMP_BAD_QUOTE);
                return;
            }
            int tcp = at + headerLength;
            // our datagram: we are its source
            int local = dev.strata.api.ipv4.Ipv4Header.source(quoted, at);
            int remote = dev.strata.api.ipv4.Ipv4Header.destination(quoted, at);
            TcpConnection connection = find(local, TcpHeader.sourcePort(quoted, tcp), remote,
                    TcpHeader.destinationPort(quoted, tcp));
            if (connection == null) {
                counters.increment(TcpStatistic.ICMP_NO_CONNECTION);
                return;
            }
            connection.icmpError(type, code, info, TcpHeader.sequence(quoted, tcp),
                    dev.strata.api.ipv4.Ipv4Header.totalLength(quoted, at));
        } catch (RuntimeException e) {
            counters.increment(TcpStatistic.CALLBACK_FAILED);
        }
    }

    private void drop(TcpStatistic reason) {
        counters.increment(reason);
        if (reason != TcpStatistic.IN_ERRS) {
            counters.increment(TcpStatistic.IN_ERRS);
        }
    }

    private synchronized Listener findListener(int address, int port) {
        Listener wildcard = null;
        for (int i = 0; i < listeners.size(); i++) {
            Listener l = listeners.get(i);
            if (l.localPort() == port) {
                if (l.localAddress() == address) {
                    return l;
                }
                if (l.localAddress() == Ipv4Address.ANY) {
                    wildcard = l;
                }
            }
        }
        return wildcard;
    }

    /**
     * The reset for a segment that belongs to no connection (RFC 9293 3.10.7.1): "If the ACK
     * bit is off, sequence number zero is used, <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. If
     * the ACK bit is on, <SEQ=SEG.ACK><CTL=RST>". Never in answer to a RST.
     */
    void sendResetFor(Segment seg) {
        if (seg.has(TcpHeader.RST)) {
            return;
        }
        if (seg.has(TcpHeader.ACK)) {
            sendBare(seg.destination, seg.destinationPort, seg.source, seg.sourcePort, seg.ack, 0, TcpHeader.RST);
        } else {
            sendBare(seg.destination, seg.destinationPort, seg.source, seg.sourcePort, 0, seg.seq + seg.sequenceLength(),
                    TcpHeader.RST | TcpHeader.ACK);
        }
    }

    /** Sends a segment without options or data, on behalf of no connection, now. */
    void sendBare(int source, int sourcePort, int destination, int destinationPort, int seq, int ack, int flags) {
        PacketBuffer b = pool.allocate();
        int at = b.append(TcpHeader.MIN_LENGTH);
        TcpHeader.write(b, at, sourcePort, destinationPort, seq, ack, TcpHeader.MIN_LENGTH, flags, 0);
        TcpHeader.writeChecksum(b, at, TcpHeader.MIN_LENGTH, source, destination);
        b.transportOffset(at);
        if ((flags & TcpHeader.RST) != 0) {
            counters.increment(TcpStatistic.OUT_RSTS);
        }
        counters.increment(TcpStatistic.OUT_SEGS);
        transmit(b, source, destination);
    }

    /** Hands one segment to IPv4 (the caller holds no connection lock). */
    void transmit(PacketBuffer segment, int source, int destination) {
        Ipv4Output ip = output.get();
        if (ip == null) {
            counters.increment(TcpStatistic.NO_IPV4);
            segment.release();
            return;
        }
        SendResult result = ip.send(segment, source, destination, IpProtocol.TCP, Ipv4Output.DEFAULT_TTL, 0, true);
        if (result != SendResult.SENT) {
            counters.increment(TcpStatistic.OUT_FAILED);
        }
    }

    /** Sends what a connection queued. */
    void flush(Outbox outbox) {
        outbox.drain(transmitter);
    }

    /** {@link #transmit} that never throws (a broken layer below must not end a drain with segments stranded). */
    private void transmitQuietly(PacketBuffer segment, int source, int destination) {
        try {
            transmit(segment, source, destination);
        } catch (RuntimeException e) {
            counters.increment(TcpStatistic.OUT_FAILED);
        }
    }

    int mtuFor(int destination) {
        Ipv4Output ip = output.get();
        return ip == null ? 0 : ip.mtuFor(destination);
    }

    /** Ipv4Output#gsoMaxSizeFor: 0 without IPv4 or offloads. */
    int gsoMaxSizeFor(int destination) {
        Ipv4Output ip = output.get();
        return ip == null ? 0 : ip.gsoMaxSizeFor(destination);
    }

    /** The MSS we offer to {@code destination}: RFC 9293 3.7.1, MTU - fixed IP and TCP headers (536 without a route). */
    int localMss(int destination) {
        int mtu = mtuFor(destination);
        int learned = pathMtus.get(destination, scheduler.nanoTime()); // RFC 1191: what ICMP taught us
        if (learned > 0 && (mtu <= 0 || learned < mtu)) {
            mtu = learned;
        }
        return mtu > 40 ? Math.min(mtu - 40, 65495) : 536;
    }

    // ---- connection table ----------------------------------------------------------------------

    synchronized void add(TcpConnection connection) {
        connections.put(connection);
    }

    /** Adds {@code connection} unless its 4-tuple is taken; returns the connection holding it, or null when added. */
    synchronized TcpConnection addIfAbsent(TcpConnection connection) {
        TcpConnection existing = connections.get(connection.localAddress(), connection.localPort(), connection.remoteAddress(),
                connection.remotePort());
        if (existing == null) {
            connections.put(connection);
        }
        return existing;
    }

    synchronized void remove(TcpConnection connection) {
        connections.remove(connection);
    }

    synchronized TcpConnection find(int localAddress, int localPort, int remoteAddress, int remotePort) {
        return connections.get(localAddress, localPort, remoteAddress, remotePort);
    }

    synchronized TcpConnection[] connections() {
        return connections.toArray();
    }

    /** Every connection's inner state, for {@code ss -ti} (TcpControl). */
    List<TcpConnectionInfo> connectionInfos() {
        TcpConnection[] all = connections();
        List<TcpConnectionInfo> out = new ArrayList<>(all.length);
        for (TcpConnection c : all) {
            out.add(ConnectionInfo.of(c));
        }
        return out;
    }

    /** Every connection as netstat shows it, owner left empty (StreamProtocol.connections). */
    List<SocketInfo> socketInfos() {
        TcpConnection[] all = connections();
        List<SocketInfo> out = new ArrayList<>(all.length);
        for (TcpConnection c : all) {
            out.add(ConnectionInfo.socketInfo(c));
        }
        return out;
    }

    synchronized void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    // ---- user calls (RFC 9293 3.10.1 OPEN) ----------------------------------------------------------

    StreamListener listen(StreamAcceptor acceptor, int address, int port, int backlog, StreamOptions options)
            throws NetSocketException {
        synchronized (this) {
            if (port == 0) {
                port = ephemeralPort();
            }
            for (Listener l : listeners) {
                if (l.localPort() == port && (l.localAddress() == address || l.localAddress() == Ipv4Address.ANY
                        || address == Ipv4Address.ANY)) {
                    throw new NetSocketException(SocketError.EADDRINUSE, "listen");
                }
            }
            Listener listener = new Listener(this, acceptor, address, port, backlog, options);
            listeners.add(listener);
            return listener;
        }
    }

    StreamConnection connect(StreamEndpoint endpoint, int localAddress, int localPort, int remoteAddress, int remotePort,
            StreamOptions options) throws NetSocketException {
        Ipv4Output ip = output.get();
        if (ip == null) {
            throw new NetSocketException(SocketError.ENETDOWN, "connect");
        }
        if (localAddress == Ipv4Address.ANY) {
            localAddress = ip.sourceAddressFor(remoteAddress);
            if (localAddress == Ipv4Address.ANY) {
                throw new NetSocketException(SocketError.ENETUNREACH, "connect");
            }
        }
        TcpConnection connection;
        synchronized (this) {
            if (localPort == 0) {
                localPort = ephemeralPort();
            } else if (connections.get(localAddress, localPort, remoteAddress, remotePort) != null) {
                throw new NetSocketException(SocketError.EADDRINUSE, "connect");
            }
            connection = new TcpConnection(this, endpoint, options, localAddress, localPort, remoteAddress, remotePort);
            connections.put(connection);
        }
        connection.open();
        return connection;
    }

    /** A free port of the ephemeral range (the caller holds this monitor). */
    private int ephemeralPort() throws NetSocketException {
        TcpConfig config = this.config;
        int range = config.ephemeralHigh() - config.ephemeralLow() + 1;
        for (int i = 0; i < range; i++) {
            int port = nextEphemeral;
            nextEphemeral = port == config.ephemeralHigh() ? config.ephemeralLow() : port + 1;
            if (!connections.usesLocalPort(port) && !listensOn(port)) {
                return port;
            }
        }
        throw new NetSocketException(SocketError.EAGAIN, "bind");
    }

    private boolean listensOn(int port) {
        for (Listener l : listeners) {
            if (l.localPort() == port) {
                return true;
            }
        }
        return false;
    }
}
