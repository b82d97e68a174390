package dev.strata.api.socket;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A TCP connection (RFC 9293): a reliable byte stream each way. Implemented once the TCP
 * bundle runs; until then {@link #connect} fails with {@link SocketError#EPROTONOSUPPORT}.
 */
@ProviderType
public interface StreamSocket extends NetSocket {

    /**
     * Opens a connection ({@code connect(2)}): waits for the handshake in blocking mode (up to
     * {@code timeoutMillis}, 0 for the protocol's own limit); in non-blocking mode returns at
     * once and the socket becomes writable (selector {@link SocketSelector#CONNECT}) when done.
     *
     * @throws NetSocketException ECONNREFUSED, ETIMEDOUT, ENETUNREACH, EHOSTUNREACH, EISCONN
     */
    void connect(InetSocketAddress remote, int timeoutMillis) throws NetSocketException;

    /** True once the handshake completed; for non-blocking connects, after CONNECT readiness. */
    boolean isConnected();

    /**
     * Reads into {@code into}: at least one byte, waiting in blocking mode; -1 at end of stream
     * (the peer shut down writing); EAGAIN in non-blocking mode when nothing is there.
     */
    int read(ByteBuffer into) throws NetSocketException;

    /**
     * Writes from {@code from}: in blocking mode all of it, waiting for room in the send
     * buffer; in non-blocking mode what fits (possibly 0 with EAGAIN).
     */
    int write(ByteBuffer from) throws NetSocketException;

    CompletionStage<Integer> readAsync(ByteBuffer into);

    CompletionStage<Integer> writeAsync(ByteBuffer from);

    /** A blocking stream over {@link #read}; closing it shuts down reading. */
    InputStream inputStream();

    /** A blocking stream over {@link #write}; closing it shuts down writing (sends FIN). */
    OutputStream outputStream();
}
