package dev.strata.socket;

import dev.strata.api.socket.NetSocket;
import dev.strata.api.socket.SocketInfo;

/**
 * What the socket layer needs of each of its sockets, whatever the protocol: its readiness
 * for selectors, the keys to signal when readiness changes, its owner and its netstat row.
 */
interface StrataSocket extends NetSocket {

    /** The operations ready now ({@link dev.strata.api.socket.SocketSelector#READ} and friends); allocates nothing. */
    int readyOps();

    /** The socket's selector registrations; the socket signals them on every change of readiness. */
    KeyList keys();

    /** The bundle that opened the socket. */
    Owner owner();

    /** The socket's row for {@code netstat}, or null when it has none to show. */
    SocketInfo info();
}
