package dev.strata.socket;

import dev.strata.api.socket.SocketInfo;

/** An open socket of any kind, as the registry keeps it: its owner, its netstat row, close. */
sealed interface NetSocketHandle {

    Object socket();

    String owner();

    SocketInfo info();

    void close();

    record Udp(UdpSocket socket) implements NetSocketHandle {
        @Override
        public String owner() {
            return socket.owner();
        }

        @Override
        public SocketInfo info() {
            return socket.info();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    record Tcp(TcpSocket socket) implements NetSocketHandle {
        @Override
        public String owner() {
            return socket.owner();
        }

        @Override
        public SocketInfo info() {
            return null; // no TCP transport yet: nothing to show
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    record TcpListening(TcpListeningSocket socket) implements NetSocketHandle {
        @Override
        public String owner() {
            return socket.owner();
        }

        @Override
        public SocketInfo info() {
            return null;
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
