package dev.strata.api.http;

import java.nio.ByteBuffer;
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

    /** Appends the remaining bytes of {@code bytes} to the body (copied; the buffer is not kept). */
    HttpResponse body(ByteBuffer bytes);

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
