package dev.strata.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import dev.strata.api.http.HttpHandler;
import dev.strata.api.http.HttpRequest;
import dev.strata.api.http.HttpResponse;

/** A request and the response a handler made of it, without a server: for unit tests of handlers. */
final class Exchange {

    final Request request;
    final Response response = new Response();

    private Exchange(Request request) {
        this.request = request;
    }

    /** Runs {@code handler} on {@code method target} with the header fields {@code headers} (name, value, ...). */
    static Exchange run(HttpHandler handler, String method, String target, String... headers) {
        Map<String, String> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i + 1] != null) {
                fields.put(headers[i], headers[i + 1]);
            }
        }
        Exchange exchange = new Exchange(new Request(method, target, fields));
        try {
            handler.handle(exchange.request, exchange.response);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return exchange;
    }

    int status() {
        return response.status;
    }

    String header(String name) {
        return response.headers.get(name);
    }

    /** The body: the bytes appended, or everything the source gives (then closed), up to its length. */
    byte[] bytes() {
        return response.bytes();
    }

    String body() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    record Request(String method, String target, Map<String, String> fields) implements HttpRequest {
        @Override
        public String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        @Override
        public String query() {
            int q = target.indexOf('?');
            return q < 0 ? null : target.substring(q + 1);
        }

        @Override
        public String header(String name) {
            return fields.get(name);
        }

        @Override
        public int minorVersion() {
            return 1;
        }

        @Override
        public ByteBuffer body() {
            return ByteBuffer.allocate(0);
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", 40000);
        }
    }

    static final class Response implements HttpResponse {
        int status = 200;
        final Map<String, String> headers = new LinkedHashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        ReadableByteChannel source;
        long sourceLength;

        @Override
        public HttpResponse status(int status) {
            this.status = status;
            return this;
        }

        @Override
        public HttpResponse header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        @Override
        public HttpResponse body(ByteBuffer bytes) {
            if (source != null) {
                throw new IllegalStateException("the body comes from a source");
            }
            while (bytes.hasRemaining()) {
                body.write(bytes.get());
            }
            return this;
        }

        @Override
        public HttpResponse body(ReadableByteChannel channel, long length) {
            if (source != null || body.size() > 0) {
                throw new IllegalStateException("the response has a body already");
            }
            source = channel;
            sourceLength = length;
            return this;
        }

        byte[] bytes() {
            if (source == null) {
                return body.toByteArray();
            }
            try (ReadableByteChannel in = source) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                ByteBuffer buffer = ByteBuffer.allocate(8192);
                long left = sourceLength < 0 ? Long.MAX_VALUE : sourceLength;
                while (left > 0) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), left));
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    all.write(buffer.array(), 0, n);
                    left -= n;
                }
                return all.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
