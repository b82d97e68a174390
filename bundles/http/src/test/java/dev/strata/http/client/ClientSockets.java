package dev.strata.http.client;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.StreamSocket;
import dev.strata.testsupport.ListOnlySockets;

/**
 * What a test socket layer for the client needs no more than: blocking stream sockets that
 * connect, read, write and close. Everything else a client never calls fails loudly (the rest
 * of the layer is test-support's {@link ListOnlySockets}, which lists no sockets).
 */
public abstract class ClientSockets extends ListOnlySockets {

    /** Opens a blocking client stream socket (every subclass must). */
    @Override
    public abstract StreamSocket openStream() throws NetSocketException;

    /** A blocking client stream socket: subclasses implement connect, read, write, addresses and close. */
    abstract static class Stream implements StreamSocket {

        @Override
        public <T> T getOption(SocketOption<T> option) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void bind(InetSocketAddress local) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void configureBlocking(boolean blocking) {
            if (!blocking) {
                throw new UnsupportedOperationException();
            }
        }

        @Override
        public boolean isBlocking() {
            return true;
        }

        @Override
        public void shutdown(Shutdown how) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String protocol() {
            return "tcp";
        }

        @Override
        public CompletionStage<Integer> readAsync(ByteBuffer into) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Integer> writeAsync(ByteBuffer from) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream inputStream() {
            throw new UnsupportedOperationException();
        }

        @Override
        public OutputStream outputStream() {
            throw new UnsupportedOperationException();
        }
    }
}
