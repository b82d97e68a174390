package dev.strata.itest.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The reference of the HTTP benchmark ({@code HttpBenchIT}): the JDK's built-in
 * {@code com.sun.net.httpserver} serving the files of a directory, on the kernel's own TCP.
 * Each GET reads its file from disk, as a static file server does ({@code index.html} for a
 * path ending in {@code /}); HTTP/1.1 keep-alive is the
 * JDK server's default, and {@code Connection: close} from the client closes.
 *
 * <pre>
 * ip netns exec NS java -cp integration-tests/target/test-classes dev.strata.itest.support.JdkFileServer ADDRESS PORT DIR THREADS
 * </pre>
 *
 * Prints {@code listening} once bound; runs until killed.
 */
public final class JdkFileServer {

    private JdkFileServer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: JdkFileServer ADDRESS PORT DIRECTORY THREADS");
            System.exit(2);
        }
        Path root = Path.of(args[2]).toAbsolutePath().normalize();
        ExecutorService executor = Executors.newFixedThreadPool(Integer.parseInt(args[3]));
        HttpServer server = HttpServer.create(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 1024);
        server.createContext("/", exchange -> serve(root, exchange));
        server.setExecutor(executor);
        server.start();
        System.out.println("listening");
        System.out.flush();
    }

    private static void serve(Path root, HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Path file = root.resolve(path.substring(1) + (path.endsWith("/") ? "index.html" : "")).normalize();
            if (!"GET".equals(exchange.getRequestMethod()) || !file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.getResponseHeaders().set("Content-Type", contentType(file));
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String contentType(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        return name.endsWith(".txt") ? "text/plain" : "application/octet-stream";
    }
}
