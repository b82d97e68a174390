package dev.strata.api.socket;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import dev.strata.api.ipv4.Ipv4Address;

/**
 * A mutable IPv4 address and port, filled in by
 * {@link DatagramSocket#receive(java.nio.ByteBuffer, SocketEndpoint)} so that a busy receive
 * loop allocates nothing per datagram. Not thread-safe; one per receiving thread.
 */
public final class SocketEndpoint {

    private int address;
    private int port;

    public SocketEndpoint() {
    }

    public SocketEndpoint(int address, int port) {
        set(address, port);
    }

    public SocketEndpoint set(int newAddress, int newPort) {
        address = newAddress;
        port = newPort;
        return this;
    }

    /** The IPv4 address as an int (see {@link Ipv4Address}). */
    public int address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** A {@link InetSocketAddress} of the same value (allocates). */
    public InetSocketAddress toInetSocketAddress() {
        byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * The IPv4 address of {@code socketAddress} as an int: 0 for a wildcard or null host.
     *
     * @throws NetSocketException EINVAL for an IPv6 or unresolved address
     */
    public static int addressOf(InetSocketAddress socketAddress) throws NetSocketException {
        if (socketAddress.isUnresolved()) {
            throw new NetSocketException(SocketError.EINVAL, "address", "unresolved " + socketAddress.getHostString());
        }
        InetAddress inet = socketAddress.getAddress();
        if (inet == null || inet.isAnyLocalAddress()) {
            return Ipv4Address.ANY;
        }
        if (!(inet instanceof Inet4Address)) {
            throw new NetSocketException(SocketError.EINVAL, "address", "not IPv4: " + inet.getHostAddress());
        }
        byte[] b = inet.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    @Override
    public String toString() {
        return Ipv4Address.format(address) + ":" + port;
    }
}
