package dev.strata.socket;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.transport.DatagramEndpoint;
import dev.strata.api.transport.DatagramProtocol;

/** UDP in memory: a send is delivered at once to the endpoint bound to the destination port, from 127.0.0.1. */
final class FakeUdp implements DatagramProtocol {

    static final int LOCALHOST = 0x7f00_0001;

    /** By port: an array, so that the fake allocates nothing per datagram (a boxed port would). */
    final DatagramEndpoint[] bound = new DatagramEndpoint[65536];
    int nextEphemeral = EPHEMERAL_FIRST;
    int sent;
    int dropped;

    @Override
    public synchronized int bind(DatagramEndpoint endpoint, int address, int port, boolean reuseAddress) throws NetSocketException {
        int chosen = port == 0 ? nextEphemeral++ : port;
        DatagramEndpoint existing = bound[chosen];
        if (existing != null && existing != endpoint) {
            throw new NetSocketException(SocketError.EADDRINUSE, "bind");
        }
        bound[chosen] = endpoint;
        return chosen;
    }

    @Override
    public synchronized void unbind(DatagramEndpoint endpoint) {
        for (int port = 0; port < bound.length; port++) {
            if (bound[port] == endpoint) {
                bound[port] = null;
            }
        }
    }

    @Override
    public void send(DatagramEndpoint endpoint, PacketBuffer payload, int destination, int destinationPort, int ttl, int tos) {
        DatagramEndpoint target;
        synchronized (this) {
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
