package dev.strata.udp;

import java.util.ArrayList;
import java.util.List;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Header;
import dev.strata.api.socket.SocketError;
import dev.strata.api.transport.DatagramEndpoint;

/** A socket as UDP sees it: records what it is given and releases every buffer. */
class FakeEndpoint implements DatagramEndpoint {

    record Received(byte[] payload, int source, int sourcePort, int destination, int ipSourceAtNetworkOffset) {
    }

    record Error(SocketError error, int from) {
    }

    final String name;
    volatile int localAddress;
    volatile int localPort;
    volatile int remoteAddress;
    volatile int remotePort;
    /** False: a full receive buffer. */
    boolean accept = true;
    /** False for the allocation test: nothing recorded. */
    boolean record = true;
    boolean throwOnDeliver;
    int delivered;
    final List<Received> received = new ArrayList<>();
    final List<Error> errors = new ArrayList<>();

    FakeEndpoint(String name) {
        this.name = name;
    }

    FakeEndpoint connect(int address, int port) {
        remoteAddress = address;
        remotePort = port;
        return this;
    }

    @Override
    public int boundAddress() {
        return localAddress;
    }

    @Override
    public int boundPort() {
        return localPort;
    }

    @Override
    public int peerAddress() {
        return remoteAddress;
    }

    @Override
    public int peerPort() {
        return remotePort;
    }

    @Override
    public boolean deliver(PacketBuffer payload, int source, int sourcePort, int destination) {
        delivered++;
        if (record) {
            received.add(new Received(payload.toByteArray(), source, sourcePort, destination,
                    Ipv4Header.source(payload, payload.networkOffset())));
        }
        payload.release();
        if (throwOnDeliver) {
            throw new IllegalStateException("broken socket");
        }
        return accept;
    }

    @Override
    public void error(SocketError error, int from) {
        errors.add(new Error(error, from));
    }

    @Override
    public String toString() {
        return name;
    }
}
