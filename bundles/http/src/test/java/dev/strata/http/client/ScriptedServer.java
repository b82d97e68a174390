package dev.strata.http.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A peer on the JDK's loopback that reads HTTP/1.1 requests and answers each with whatever its
 * {@link Script} writes: raw bytes, so that a test can send chunked bodies with trailers,
 * close-delimited bodies, interim responses, truncated or malformed answers.
 */
public final class ScriptedServer implements AutoCloseable {

    /** A request as received. */
    public record Received(int connection, String requestLine, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String method() {
            return requestLine.substring(0, requestLine.indexOf(' '));
        }

        public String target() {
            return requestLine.split(" ")[1];
        }
    }

    /** Answers one request; return false to close the connection afterwards. */
    @FunctionalInterface
    public interface Script {
        boolean answer(Received request, Answer answer) throws IOException, InterruptedException;
    }

    /** The connection's output. */
    public static final class Answer {
        private final OutputStream out;

        Answer(OutputStream out) {
            this.out = out;
        }

        public Answer write(String text) throws IOException {
            return write(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        public Answer write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            return this;
        }
    }

    private final ServerSocket server;
    private final Script script;
    private final Thread thread;
    private final AtomicInteger connections = new AtomicInteger();
    public final List<Received> requests = new CopyOnWriteArrayList<>();

    public ScriptedServer(Script script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        this.thread = new Thread(this::acceptLoop, "scripted-http");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT} + path. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                int id = connections.incrementAndGet();
                Thread t = new Thread(() -> serve(socket, id), "scripted-http-" + id);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, int id) {
        try (socket) {
            InputStream in = socket.getInputStream();
            Answer answer = new Answer(socket.getOutputStream());
            while (true) {
                Received request = read(in, id);
                if (request == null) {
                    return;
                }
                requests.add(request);
                if (!script.answer(request, answer)) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    private static Received read(InputStream in, int id) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Received(id, lines[0], headers, body);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
