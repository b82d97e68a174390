package dev.strata.socket;

import dev.strata.api.socket.NetSocket;

/**
 * What a selector needs of a socket: its readiness now, and a place to hang the keys it must
 * signal when that readiness may have changed.
 */
interface SelectableSocket extends NetSocket {

    /** The operations ready now ({@link dev.strata.api.socket.SocketSelector#READ} and friends). */
    int readyOps();

    /** The socket's registrations; the socket signals them on every change of readiness. */
    KeyList keys();
}
