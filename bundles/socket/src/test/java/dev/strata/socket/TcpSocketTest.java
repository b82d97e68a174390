package dev.strata.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.socket.ListeningSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.api.socket.StreamSocket;

/** TCP sockets before there is a TCP transport: everything that needs it says so at once. */
class TcpSocketTest {

    private final SocketRegistry registry = new SocketRegistry(new BufferPool());
    private final SocketServiceImpl service = new SocketServiceImpl(registry, "dev.strata.test");

    private static SocketError errorOf(Throwable failure) {
        Throwable cause = failure instanceof ExecutionException ? failure.getCause() : failure;
        return ((NetSocketException) cause).error();
    }

    @Test
    void everyOperationThatNeedsTcpSaysTcpIsNotRunning() throws Exception {
        StreamSocket stream = service.openStream();
        NetSocketException connect = assertThrows(NetSocketException.class,
                () -> stream.connect(new InetSocketAddress("127.0.0.1", 80), 0));
        assertEquals("connect: Protocol not supported (TCP is not running)", connect.getMessage());
        assertEquals(SocketError.EPROTONOSUPPORT, errorOf(assertThrows(NetSocketException.class, () -> stream.bind(null))));
        assertEquals(SocketError.EPROTONOSUPPORT, errorOf(assertThrows(NetSocketException.class, () -> stream.read(ByteBuffer.allocate(1)))));
        assertEquals(SocketError.EPROTONOSUPPORT, errorOf(assertThrows(NetSocketException.class, () -> stream.write(ByteBuffer.allocate(1)))));
        assertEquals(SocketError.EPROTONOSUPPORT, errorOf(assertThrows(ExecutionException.class,
                () -> stream.readAsync(ByteBuffer.allocate(1)).toCompletableFuture().get())));
        assertFalse(stream.isConnected());
        assertEquals("tcp", stream.protocol());

        ListeningSocket listening = service.openListening();
        assertEquals(SocketError.EPROTONOSUPPORT, errorOf(assertThrows(NetSocketException.class, () -> listening.listen(128))));
        assertEquals(SocketError.EPROTONOSUPPORT, errorOf(assertThrows(NetSocketException.class, listening::accept)));
        assertEquals(SocketError.EPROTONOSUPPORT, errorOf(assertThrows(ExecutionException.class,
                () -> listening.acceptAsync().toCompletableFuture().get())));
        assertTrue(service.sockets().isEmpty(), "unbound TCP sockets have no netstat row");
    }

    @Test
    void theStreamsWrapReadAndWrite() throws Exception {
        StreamSocket stream = service.openStream();
        InputStream in = stream.inputStream();
        OutputStream out = stream.outputStream();
        IOException read = assertThrows(IOException.class, in::read);
        assertEquals(SocketError.EPROTONOSUPPORT, errorOf(read));
        assertEquals(0, in.read(new byte[4], 0, 0), "a read of nothing reads nothing");
        assertEquals(SocketError.EPROTONOSUPPORT, errorOf(assertThrows(IOException.class, () -> out.write(new byte[] {1, 2}))));
        in.close(); // nothing to shut down on an unconnected socket
        out.close();
        stream.close();
        assertEquals(SocketError.EBADF, errorOf(assertThrows(IOException.class, in::read)));
    }

    @Test
    void optionsCloseAndBlockingModeWorkWithoutTcp() throws Exception {
        StreamSocket stream = service.openStream();
        assertEquals(false, stream.getOption(StandardSocketOptions.TCP_NODELAY));
        assertEquals(7200, stream.getOption(StrataSocketOptions.TCP_KEEPIDLE), "Linux's tcp_keepalive_time");
        stream.setOption(StandardSocketOptions.TCP_NODELAY, true);
        stream.setOption(StandardSocketOptions.SO_LINGER, 5);
        assertEquals(true, stream.getOption(StandardSocketOptions.TCP_NODELAY));
        assertEquals(5, stream.getOption(StandardSocketOptions.SO_LINGER));
        assertEquals(SocketError.EINVAL, errorOf(assertThrows(NetSocketException.class,
                () -> stream.setOption(StandardSocketOptions.SO_BROADCAST, true))));
        stream.configureBlocking(false);
        assertFalse(stream.isBlocking());
        assertEquals(SocketError.ENOTCONN, errorOf(assertThrows(NetSocketException.class,
                () -> stream.shutdown(StreamSocket.Shutdown.BOTH))));
        assertEquals(1, registry.size());
        stream.close();
        stream.close();
        assertFalse(stream.isOpen());
        assertEquals(0, registry.size());
        assertEquals(SocketError.EBADF, errorOf(assertThrows(NetSocketException.class,
                () -> stream.getOption(StandardSocketOptions.TCP_NODELAY))));
    }
}
