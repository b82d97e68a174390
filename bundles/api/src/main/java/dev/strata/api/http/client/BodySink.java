package dev.strata.api.http.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where the body of a final response goes: {@link HttpClient#send} calls {@link #open} once the
 * response's header section has arrived (so the caller may choose by status or Content-Type), then
 * writes the body to the returned channel as it arrives, without the chunked coding. The client
 * does not close the channel: it belongs to the caller.
 */
@ConsumerType
@FunctionalInterface
public interface BodySink {

    /**
     * The channel for the body of {@code response} (whose {@link Response#bodyLength()} is still
     * -1), or null to discard the body.
     *
     * @throws IOException the body cannot be stored: the exchange fails with
     *         {@link HttpClientException.Kind#WRITE_FAILED}
     */
    WritableByteChannel open(Response response) throws IOException;

    /** Discards every body. */
    static BodySink discard() {
        return response -> null;
    }

    /** Writes every body to {@code channel} (a file, say). */
    static BodySink to(WritableByteChannel channel) {
        return response -> channel;
    }

    /** Writes every body to {@code out}, flushed when the body is complete. */
    static BodySink to(OutputStream out) {
        WritableByteChannel channel = Channels.newChannel(out);
        return response -> new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
                int n = channel.write(src);
                if (!src.hasRemaining()) {
                    out.flush();
                }
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
                // the stream is the caller's
            }
        };
    }
}
