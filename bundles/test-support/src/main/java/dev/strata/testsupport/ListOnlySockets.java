package dev.strata.testsupport;

import java.util.ArrayList;
import java.util.List;

import dev.strata.api.socket.DatagramSocket;
import dev.strata.api.socket.ListeningSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.SocketService;
import dev.strata.api.socket.StreamSocket;

/**
 * A socket layer that only lists {@link #sockets} (for netstat and ss) and opens nothing: every
 * open fails loudly. A subclass may open what its test needs (the HTTP client's tests open
 * stream sockets). For a working in-memory socket layer see {@link FakeSockets}.
 */
public class ListOnlySockets implements SocketService {
    public final List<SocketInfo> sockets = new ArrayList<>();

    @Override
    public DatagramSocket openDatagram() throws NetSocketException {
        throw new UnsupportedOperationException();
    }

    @Override
    public StreamSocket openStream() throws NetSocketException {
        throw new UnsupportedOperationException();
    }

    @Override
    public ListeningSocket openListening() throws NetSocketException {
        throw new UnsupportedOperationException();
    }

    @Override
    public SocketSelector openSelector() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<SocketInfo> sockets() {
        return List.copyOf(sockets);
    }
}
