package dev.strata.api.http;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The response a {@link HttpHandler} fills in; the server sends it when the handler returns. The
 * framing fields (Content-Length, Transfer-Encoding, Connection) are the server's and are ignored
 * when a handler sets them.
 */
@ProviderType
public interface HttpResponse {

    /** Sets the status code (RFC 9110 15), 200 unless set. */
    HttpResponse status(int status);

    /**
     * Adds a header field. The name must be a token and the value free of control characters
     * (RFC 9110 5.5), else the client gets 500 rather than a split response.
     */
    HttpResponse header(String name, String value);

    /**
     * Appends the remaining bytes of {@code bytes} to the body (copied; the buffer is not kept).
     *
     * @throws IllegalStateException when the body comes from a source ({@link #body(ReadableByteChannel, long)})
     */
    HttpResponse body(ByteBuffer bytes);

    /**
     * Sends the body from {@code source} instead of from memory: a file of any size, or output made
     * as it is sent. The server reads the source on its network thread as the client takes the
     * bytes, and closes it once the body is sent, the request is HEAD, or the connection ends. A
     * read must not block for long and must not return 0 (a {@code FileChannel} is the model).
     *
     * <p>{@code length} is the exact number of bytes to send (Content-Length; a source that ends
     * sooner costs the connection, since the framing cannot be kept), or -1 when it is not known:
     * then the body is chunked (RFC 9112 7.1), or close-delimited to an HTTP/1.0 client.
     *
     * @throws IllegalStateException when body bytes were appended already, or a source was set
     * @throws IllegalArgumentException when {@code length} is below -1
     * @since 1.1
     */
    HttpResponse body(ReadableByteChannel source, long length);

    /** Appends {@code bytes} to the body. */
    default HttpResponse body(byte[] bytes) {
        return body(ByteBuffer.wrap(bytes));
    }

    /** Appends {@code text} in UTF-8 to the body and sets Content-Type to {@code contentType}. */
    default HttpResponse body(String text, String contentType) {
        header("Content-Type", contentType);
        return body(text.getBytes(StandardCharsets.UTF_8));
    }
}
