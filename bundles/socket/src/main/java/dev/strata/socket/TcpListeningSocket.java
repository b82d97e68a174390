package dev.strata.socket;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.strata.api.socket.ListeningSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.StreamSocket;

/**
 * A passive TCP socket, WAITING FOR THE TCP TRANSPORT like {@link TcpSocket} (issue 4): bind,
 * listen and accept fail at once with EPROTONOSUPPORT ("TCP is not running"); options,
 * blocking mode and close work.
 */
final class TcpListeningSocket extends TcpSocketBase implements ListeningSocket {

    TcpListeningSocket(SocketRegistry registry, Owner owner) {
        super(registry, owner);
    }

    @Override
    public void listen(int backlog) throws NetSocketException {
        ensureOpen("listen");
        throw notRunning("listen");
    }

    @Override
    public StreamSocket accept() throws NetSocketException {
        ensureOpen("accept");
        throw notRunning("accept");
    }

    @Override
    public CompletionStage<StreamSocket> acceptAsync() {
        try {
            return CompletableFuture.completedFuture(accept());
        } catch (NetSocketException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
