package dev.strata.socket;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.transport.DatagramEndpoint;
import dev.strata.api.transport.DatagramProtocol;

/**
 * UDP in memory: a send is delivered at once, on the sender's thread, to the endpoint bound to
 * the destination port, from 127.0.0.1; a send to a port nobody has reports ECONNREFUSED to
 * the sender, as an ICMP port unreachable would. Strict like the real port table: binding an
 * endpoint that is already bound is EINVAL, so a double bind by the socket layer shows.
 */
class FakeUdp implements DatagramProtocol {

    static final int LOCALHOST = 0x7f00_0001;

    /** By port: an array, so that the fake allocates nothing per datagram (a boxed port would). */
    final DatagramEndpoint[] bound = new DatagramEndpoint[65536];
    int nextEphemeral = EPHEMERAL_FIRST;
    int sent;
    int dropped;
    int binds;
    int unbinds;
    /** Calls of any kind after {@link #gone} was set: a transport that left must not be called. */
    int callsWhileGone;
    volatile boolean gone;

    @Override
    public synchronized int bind(DatagramEndpoint endpoint, int address, int port, boolean reuseAddress) throws NetSocketException {
        touched();
        for (DatagramEndpoint existing : bound) {
            if (existing == endpoint) {
                throw new NetSocketException(SocketError.EINVAL, "bind", "already bound");
            }
        }
        int chosen = port == 0 ? nextEphemeral++ : port;
        if (bound[chosen] != null) {
            throw new NetSocketException(SocketError.EADDRINUSE, "bind");
        }
        bound[chosen] = endpoint;
        binds++;
        return chosen;
    }

    @Override
    public synchronized void unbind(DatagramEndpoint endpoint) {
        touched();
        for (int port = 0; port < bound.length; port++) {
            if (bound[port] == endpoint) {
                bound[port] = null;
                unbinds++;
            }
        }
    }

    @Override
    public void send(DatagramEndpoint endpoint, PacketBuffer payload, int destination, int destinationPort, int ttl, int tos) {
        DatagramEndpoint target;
        synchronized (this) {
            touched();
            sent++;
            target = bound[destinationPort];
        }
        if (target == null) {
            payload.release();
            endpoint.error(SocketError.ECONNREFUSED, destination);
            return;
        }
        if (!target.deliver(payload, LOCALHOST, endpoint.boundPort(), destination)) {
            synchronized (this) {
                dropped++;
            }
        }
    }

    private void touched() {
        if (gone) {
            callsWhileGone++;
        }
    }

    boolean nothingBound() {
        for (DatagramEndpoint endpoint : bound) {
            if (endpoint != null) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int maxPayload() {
        return 65507;
    }
}
