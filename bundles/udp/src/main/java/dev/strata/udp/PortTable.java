package dev.strata.udp;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.transport.DatagramEndpoint;

/**
 * Which endpoint is bound to which local address and port, and the demux of received
 * datagrams on it (RFC 1122 4.1.3.4, with Linux's rules).
 *
 * <p>One small array of bindings per port in an {@link AtomicReferenceArray} of 65536 slots,
 * replaced whole on every change (copy-on-write) under a short lock: the receive path reads
 * a slot and scans its few entries without locking, boxing or allocating.
 */
final class PortTable {

    /** One endpoint's binding; immutable, so the receive path reads it without a lock. */
    static final class Binding {
        final DatagramEndpoint endpoint;
        final int address;
        final int port;
        final boolean reuseAddress;

        Binding(DatagramEndpoint endpoint, int address, int port, boolean reuseAddress) {
            this.endpoint = endpoint;
            this.address = address;
            this.port = port;
            this.reuseAddress = reuseAddress;
        }
    }

    private static final Binding[] NONE = new Binding[0];

    private final AtomicReferenceArray<Binding[]> ports = new AtomicReferenceArray<>(65536);
    private final Map<DatagramEndpoint, Binding> byEndpoint = new IdentityHashMap<>();
    private final Object lock = new Object();
    private final int ephemeralFirst;
    private final int ephemeralLast;

    PortTable(int ephemeralFirst, int ephemeralLast) {
        if (ephemeralFirst < 1 || ephemeralLast > 65535 || ephemeralLast < ephemeralFirst) {
            throw new IllegalArgumentException("bad ephemeral range " + ephemeralFirst + "-" + ephemeralLast);
        }
        this.ephemeralFirst = ephemeralFirst;
        this.ephemeralLast = ephemeralLast;
    }

    /**
     * Binds {@code endpoint} to {@code address} (0: every address) and {@code port} (0: an
     * ephemeral port) and returns the port. The address has been checked by the caller.
     */
    int bind(DatagramEndpoint endpoint, int address, int port, boolean reuseAddress) throws NetSocketException {
        if (port < 0 || port > 65535) {
            throw new NetSocketException(SocketError.EINVAL, "bind", "port " + port);
        }
        synchronized (lock) {
            if (byEndpoint.containsKey(endpoint)) {
                // Linux: bind(2) on a bound socket is EINVAL.
                throw new NetSocketException(SocketError.EINVAL, "bind", "already bound");
            }
            int chosen = port != 0 ? checkFree(address, port, reuseAddress) : ephemeral();
            Binding binding = new Binding(endpoint, address, chosen, reuseAddress);
            Binding[] old = current(chosen);
            Binding[] grown = new Binding[old.length + 1];
            System.arraycopy(old, 0, grown, 0, old.length);
            grown[old.length] = binding;
            ports.set(chosen, grown);
            byEndpoint.put(endpoint, binding);
            return chosen;
        }
    }

    /** Releases the endpoint's port; does nothing if it is not bound. */
    void unbind(DatagramEndpoint endpoint) {
        synchronized (lock) {
            Binding binding = byEndpoint.remove(endpoint);
            if (binding == null) {
                return;
            }
            Binding[] old = current(binding.port);
            if (old.length == 1) {
                ports.set(binding.port, null);
                return;
            }
            Binding[] shrunk = new Binding[old.length - 1];
            int n = 0;
            for (Binding b : old) {
                if (b != binding) {
                    shrunk[n++] = b;
                }
            }
            ports.set(binding.port, shrunk);
        }
    }

    /** The bindings on {@code port}, or null when none; the array must not be modified. */
    /** The endpoints bound to exactly {@code address} (not the wildcard); a snapshot. */
    java.util.List<DatagramEndpoint> boundTo(int address) {
        synchronized (lock) {
            java.util.List<DatagramEndpoint> found = new java.util.ArrayList<>();
            for (Binding binding : byEndpoint.values()) {
                if (binding.address == address) {
                    found.add(binding.endpoint);
                }
            }
            return found;
        }
    }

    Binding[] bindings(int port) {
        return ports.get(port);
    }

    /** Number of endpoints bound. */
    int size() {
        synchronized (lock) {
            return byEndpoint.size();
        }
    }

    /**
     * True when {@code binding} would take a datagram from {@code source}:{@code sourcePort}
     * to {@code destination} (Linux's {@code __udp_is_mcast_sock}): bound to that address
     * or to every address, and, when connected, connected to that sender.
     */
    static boolean matches(Binding binding, int source, int sourcePort, int destination) {
        if (binding.address != 0 && binding.address != destination) {
            return false;
        }
        DatagramEndpoint endpoint = binding.endpoint;
        int remote = endpoint.peerAddress();
        if (remote != 0 && remote != source) {
            return false;
        }
        int remotePort = endpoint.peerPort();
        return remotePort == 0 || remotePort == sourcePort;
    }

    /**
     * The endpoint that takes a unicast datagram (RFC 1122 4.1.3.4; Linux's
     * {@code compute_score}): among those that match, a socket connected to the sender
     * beats one bound to the exact destination, which beats one bound to every address. On
     * a tie (SO_REUSEADDR) the one bound last wins, as in Linux's hash chain.
     */
    Binding lookup(int port, int source, int sourcePort, int destination) {
        Binding[] list = ports.get(port);
        if (list == null) {
            return null;
        }
        Binding best = null;
        int bestScore = -1;
        for (int i = list.length - 1; i >= 0; i--) {
            Binding binding = list[i];
            if (!matches(binding, source, sourcePort, destination)) {
                continue;
            }
            int score = 0;
            if (binding.endpoint.peerAddress() != 0) {
                score += 4;
            }
            if (binding.endpoint.peerPort() != 0) {
                score += 4;
            }
            if (binding.address != 0) {
                score += 2;
            }
            if (score > bestScore) {
                best = binding;
                bestScore = score;
            }
        }
        return best;
    }

    private Binding[] current(int port) {
        Binding[] list = ports.get(port);
        return list == null ? NONE : list;
    }

    /**
     * Conflicts (Linux's {@code udp_lib_lport_inuse}): same port and overlapping addresses
     * (equal, or either is the wildcard), unless both asked for SO_REUSEADDR.
     */
    private int checkFree(int address, int port, boolean reuseAddress) throws NetSocketException {
        for (Binding other : current(port)) {
            boolean overlap = other.address == address || other.address == 0 || address == 0;
            if (overlap && !(reuseAddress && other.reuseAddress)) {
                throw new NetSocketException(SocketError.EADDRINUSE, "bind");
            }
        }
        return port;
    }

    /**
     * RFC 6056 section 3.3.1 (algorithm 1, simple port randomisation): start at a random
     * offset in the range and take the first port nobody uses, wrapping once round.
     */
    private int ephemeral() throws NetSocketException {
        int count = ephemeralLast - ephemeralFirst + 1;
        int offset = ThreadLocalRandom.current().nextInt(count);
        for (int i = 0; i < count; i++) {
            int port = ephemeralFirst + (offset + i) % count;
            if (ports.get(port) == null) {
                return port;
            }
        }
        throw new NetSocketException(SocketError.EAGAIN, "bind", "no ephemeral port left");
    }
}
