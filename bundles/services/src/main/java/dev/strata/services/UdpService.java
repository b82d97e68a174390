package dev.strata.services;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

import dev.strata.api.socket.DatagramSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketEndpoint;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.stats.Counters;

/**
 * One built-in UDP service on one port: echo (RFC 862: "any data received is sent back")
 * or discard (RFC 863: "any data received is thrown away"). Served by the services' selector
 * thread; it allocates nothing per datagram.
 */
final class UdpService implements ServiceLoop.Service {

    /** Datagrams taken from one socket per readiness, so that a flood on one port cannot starve the other. */
    static final int BATCH = 64;

    private final Kind kind;
    private final int port;
    private final DatagramSocket socket;
    private final Counters<ServiceStatistic> counters;

    /** Which service: echo or discard (UDP and TCP alike), chargen (TCP only). */
    enum Kind {
        ECHO("echo"), DISCARD("discard"), CHARGEN("chargen");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    UdpService(Kind kind, int port, DatagramSocket socket, Counters<ServiceStatistic> counters) {
        this.kind = kind;
        this.port = port;
        this.socket = socket;
        this.counters = counters;
    }

    Kind kind() {
        return kind;
    }

    int port() {
        return port;
    }

    @Override
    public DatagramSocket socket() {
        return socket;
    }

    @Override
    public int interest() {
        return SocketSelector.READ;
    }

    @Override
    public boolean open() throws NetSocketException {
        return bind();
    }

    /**
     * Binds to every stack address (0.0.0.0) on the service's port, without SO_REUSEADDR so
     * that a port someone else holds is refused rather than shared, in non-blocking mode.
     *
     * @return true once bound (or recorded by the socket layer while UDP is away)
     * @throws NetSocketException EADDRINUSE and every failure other than UDP being away
     */
    boolean bind() throws NetSocketException {
        socket.setOption(StandardSocketOptions.SO_REUSEADDR, Boolean.FALSE);
        socket.configureBlocking(false);
        try {
            socket.bind(new InetSocketAddress(anyAddress(), port));
            return true;
        } catch (NetSocketException e) {
            if (e.error() == SocketError.EPROTONOSUPPORT) {
                // UDP is not running yet: if the socket layer kept the binding it rebinds it
                // itself when UDP comes; otherwise the caller tries again later.
                return socket.localAddress() != null;
            }
            throw e;
        }
    }

    static InetAddress anyAddress() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * Serves up to {@link #BATCH} datagrams waiting on the socket. {@code buffer} and
     * {@code from} are the loop's own, reused for every datagram.
     *
     * @return the datagrams received (0 when a receive failed at once, as while UDP is
     *     stopped: EPROTONOSUPPORT), or {@link #CLOSED}
     */
    @Override
    public int serve(SocketSelector.Key key, ByteBuffer buffer, SocketEndpoint from) {
        int served = 0;
        while (served < BATCH) {
            // The first receive is promised by the selector; after it, look before receiving
            // so that an empty queue does not cost an EAGAIN exception per wake-up.
            if (served > 0 && socket.receiveQueueBytes() == 0) {
                return served;
            }
            buffer.clear();
            int length;
            try {
                length = socket.receive(buffer, from);
            } catch (NetSocketException e) {
                SocketError error = e.error();
                if (error == SocketError.EBADF) {
                    return CLOSED;
                }
                if (error != SocketError.EAGAIN) {
                    // EPROTONOSUPPORT while UDP is stopped (the socket stays, the socket layer
                    // binds it again when UDP returns), or an error the socket reports: count
                    // it, log nothing per packet.
                    counters.increment(ServiceStatistic.Errors);
                }
                return served;
            }
            served++;
            if (kind == Kind.DISCARD) {
                // RFC 863: "simply throws away any data it receives".
                // Bytes first: whoever sees the datagram counted sees its bytes too.
                counters.add(ServiceStatistic.DiscardBytes, length);
                counters.increment(ServiceStatistic.DiscardDatagrams);
                continue;
            }
            buffer.flip();
            try {
                // RFC 862: "Once a datagram is received, the data from it is sent back in an
                // answering datagram" - to the sender's address and port.
                int sent = socket.send(buffer, from.address(), from.port());
                counters.add(ServiceStatistic.EchoBytes, sent);
                counters.increment(ServiceStatistic.EchoDatagrams);
            } catch (NetSocketException e) {
                if (e.error() == SocketError.EBADF) {
                    return CLOSED;
                }
                // No route back, UDP stopped between receive and send, no buffers: the
                // datagram is lost as UDP allows; count it and go on.
                counters.increment(ServiceStatistic.Errors);
            }
        }
        return served;
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return kind + " on UDP port " + port;
    }
}
