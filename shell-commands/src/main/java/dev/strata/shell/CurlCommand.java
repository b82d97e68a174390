package dev.strata.shell;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.strata.api.http.client.BodySink;
import dev.strata.api.http.client.Headers;
import dev.strata.api.http.client.HttpClient;
import dev.strata.api.http.client.HttpClientException;
import dev.strata.api.http.client.HttpTrace;
import dev.strata.api.http.client.Request;
import dev.strata.api.http.client.Response;

/**
 * {@code curl [options] URL}: an HTTP/1.1 exchange over the stack through the {@link HttpClient}
 * service, with curl's options, output and error lines ({@code curl: (7) Failed to connect to
 * 198.18.0.1 port 80: Connection refused}). The body goes to the console, or to a file with
 * {@code -o} (a relative name in the data directory, as {@code capture} does); {@code -v} traces the exchange on the error stream with curl's {@code * > <}
 * prefixes. A failure (curl's non-zero exit codes) fails the command, so {@code bin/client}
 * exits non-zero. There is no progress meter, so {@code -s} changes nothing but is accepted.
 */
@Descriptor("transfer a URL over the stack's HTTP/1.1 client (curl)")
@Component(service = CurlCommand.class, property = {"osgi.command.scope=net", "osgi.command.function=curl"})
public class CurlCommand {

    /** The distribution's data directory (bin/strata sets it), where a relative -o FILE goes. */
    static final String DATA_PROPERTY = "strata.data";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile HttpClient client;

    /**
     * All words are parsed here rather than by Gogo's {@code @Parameter}s: {@code -H} and
     * {@code -d} repeat, short options combine ({@code -sSL}) and take attached values ({@code -XPOST}).
     */
    @Descriptor("curl [-o FILE] [-I] [-i] [-X METHOD] [-d DATA] [-H 'Name: value']... [-L] [-m SECONDS] [--connect-timeout SECONDS]"
            + " [--max-redirs N] [-s] [-v] [-f] URL; hosts are IPv4 addresses or localhost (no DNS)")
    public void curl(@Descriptor("options and the URL, as for curl") String... arguments) {
        run(System.out, System.err, Arrays.asList(arguments));
    }

    /** Runs the command line {@code words}; the body and headers to {@code out}, the -v trace to {@code err}. */
    void run(PrintStream out, PrintStream err, List<String> words) {
        CurlOptions options = CurlOptions.parse(words);
        HttpClient http = client;
        if (http == null) {
            throw CommandException.failed("curl: the HTTP client (bundle strata-http) is not running");
        }
        Request request = request(options, out, err);
        Path file = options.output() == null ? null : outputFile(options.output());
        Sink sink = new Sink(options, out, file);
        Response response;
        try {
            response = http.send(request, sink);
        } catch (HttpClientException e) {
            throw CommandException.failed("curl: (" + exitCode(e.kind()) + ") " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandException.failed("curl: (42) Operation was aborted");
        } finally {
            sink.close();
            out.flush();
            err.flush();
        }
        if (options.fail() && response.status() >= 400) {
            // curl -f: no body, exit 22
            throw CommandException.failed("curl: (22) The requested URL returned error: " + response.status());
        }
    }

    /** A relative -o FILE is taken in the directory of {@value #DATA_PROPERTY} if set (as capture does), else the working directory. */
    static Path outputFile(String name) {
        Path path = Path.of(name);
        String data = System.getProperty(DATA_PROPERTY);
        return (path.isAbsolute() || data == null ? path : Path.of(data).resolve(path)).toAbsolutePath();
    }

    private static Request request(CurlOptions options, PrintStream out, PrintStream err) {
        URI uri;
        try {
            String url = options.url().contains("://") ? options.url() : "http://" + options.url(); // curl guesses http
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw CommandException.failed("curl: (3) URL rejected: Malformed input to a URL function");
        }
        Request.Builder builder = Request.builder(uri).method(options.effectiveMethod()).followRedirects(options.location())
                .maxRedirects(Math.max(0, options.maxRedirects()));
        boolean contentType = false;
        for (String header : options.headers()) {
            int colon = header.indexOf(':');
            String name = CurlOptions.headerName(header);
            String value = colon < 0 ? "" : header.substring(colon + 1).strip();
            if (colon >= 0 && value.isEmpty()) {
                continue; // curl: "Name:" removes the header
            }
            contentType |= name.equals("content-type");
            builder.header(header.substring(0, colon < 0 ? header.length() - 1 : colon).strip(), value);
        }
        if (options.data() != null) {
            builder.body(options.data().getBytes(StandardCharsets.UTF_8));
            if (!contentType) {
                builder.header("Content-Type", "application/x-www-form-urlencoded"); // as curl -d
            }
        }
        if (options.maxTimeMillis() > 0) {
            builder.timeout(Duration.ofMillis(options.maxTimeMillis()));
        }
        if (options.connectTimeoutMillis() > 0) {
            builder.connectTimeout(Duration.ofMillis(options.connectTimeoutMillis()));
        }
        builder.trace(new Trace(options, out, err));
        return builder.build();
    }

    /** curl's exit code for each failure (libcurl's CURLcode). */
    static int exitCode(HttpClientException.Kind kind) {
        return switch (kind) {
            case UNSUPPORTED_PROTOCOL -> 1;
            case MALFORMED_URL -> 3;
            case UNRESOLVED_HOST -> 6;
            case CONNECTION_REFUSED, NO_ROUTE_TO_HOST, NETWORK_UNREACHABLE, STACK_UNAVAILABLE -> 7;
            case MALFORMED_RESPONSE -> 8;
            case PARTIAL_BODY -> 18;
            case WRITE_FAILED -> 23;
            case CONNECT_TIMEOUT, TIMEOUT -> 28;
            case TOO_MANY_REDIRECTS -> 47;
            case EMPTY_RESPONSE -> 52;
            case SEND_FAILED -> 55;
            case RECEIVE_FAILED -> 56;
        };
    }

    /** -v on the error stream as curl prints it; -i and -I header sections on the output. */
    private static final class Trace implements HttpTrace {
        private final CurlOptions options;
        private final PrintStream out;
        private final PrintStream err;

        Trace(CurlOptions options, PrintStream out, PrintStream err) {
            this.options = options;
            this.out = out;
            this.err = err;
        }

        @Override
        public void connecting(InetSocketAddress remote) {
            verbose("*   Trying " + remote.getAddress().getHostAddress() + ":" + remote.getPort() + "...");
        }

        @Override
        public void connected(InetSocketAddress local, InetSocketAddress remote) {
            String address = remote.getAddress().getHostAddress();
            verbose("* Connected to " + address + " (" + address + ") port " + remote.getPort());
        }

        @Override
        public void reused(InetSocketAddress remote) {
            verbose("* Re-using existing connection with host " + remote.getAddress().getHostAddress());
        }

        @Override
        public void requestSent(Request request, String headerSection) {
            if (options.verbose()) {
                for (String line : headerSection.split("\r\n", -1)) {
                    if (!line.isEmpty()) {
                        err.println("> " + line);
                    }
                }
                err.println("> ");
            }
        }

        @Override
        public void responseReceived(Response response) {
            Headers headers = response.headers();
            if (options.verbose()) {
                err.println("< " + response.statusLine());
                for (int i = 0; i < headers.size(); i++) {
                    err.println("< " + headers.name(i) + ": " + headers.value(i));
                }
                err.println("< ");
            }
            if (options.head() || options.include()) {
                // the header section as received, CRLF and all, as curl -i writes it
                out.print(response.statusLine() + "\r\n" + headers + "\r\n");
            }
        }

        @Override
        public void info(String message) {
            verbose("* " + message);
        }

        private void verbose(String line) {
            if (options.verbose()) {
                err.println(line);
            }
        }
    }

    /** The body: to the console, or to the -o file created when the final response arrives; nothing for curl -f's errors. */
    private static final class Sink implements BodySink {
        private final CurlOptions options;
        private final OutputStream console;
        private final Path file;
        private FileChannel channel;

        Sink(CurlOptions options, OutputStream console, Path file) {
            this.options = options;
            this.console = console;
            this.file = file;
        }

        @Override
        public WritableByteChannel open(Response response) throws IOException {
            if (options.fail() && response.status() >= 400) {
                return null;
            }
            if (file == null) {
                return BodySink.to(console).open(response);
            }
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                String reason = e instanceof java.nio.file.NoSuchFileException ? "No such file or directory"
                        : e instanceof java.nio.file.AccessDeniedException ? "Permission denied" : e.getMessage();
                throw new IOException("cannot open " + file + ": " + reason, e);
            }
            return channel;
        }

        void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // the body was written; nothing more to do
                }
            }
        }
    }
}
