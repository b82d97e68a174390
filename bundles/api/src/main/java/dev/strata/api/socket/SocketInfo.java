package dev.strata.api.socket;

/**
 * One socket as {@code netstat} shows it.
 *
 * @param protocol {@code udp} or {@code tcp}
 * @param localAddress local IPv4 address (0 for every address)
 * @param localPort local port (0 while unbound)
 * @param remoteAddress peer address, or 0
 * @param remotePort peer port, or 0
 * @param state the TCP state name ({@code ESTABLISHED}, {@code LISTEN}...), empty for an
 *     unconnected UDP socket, {@code ESTABLISHED} for a connected one (as Linux shows it)
 * @param receiveQueue bytes received and not yet read (Recv-Q)
 * @param sendQueue bytes written and not yet sent or acknowledged (Send-Q)
 * @param owner the symbolic name of the bundle that opened the socket
 */
public record SocketInfo(String protocol, int localAddress, int localPort, int remoteAddress, int remotePort,
        String state, int receiveQueue, int sendQueue, String owner) {
}
