package dev.strata.http.client;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.strata.api.http.client.BodySink;
import dev.strata.api.http.client.HttpClient;
import dev.strata.api.http.client.HttpClientException;
import dev.strata.api.http.client.Request;
import dev.strata.api.http.client.Response;
import dev.strata.api.socket.SocketService;

/**
 * The {@link HttpClient} of the stack: HTTP/1.1 (RFC 9110, RFC 9112) over the socket layer's
 * blocking TCP sockets, parsed by the same incremental {@link dev.strata.http.ResponseParser}
 * the tests hold to hostile input. Each {@link #send} runs on the caller's thread on its own
 * connection (kept across the redirects of that call when the peer stays the same) and starts
 * no thread.
 */
@Component(service = HttpClient.class)
public final class StackHttpClient implements HttpClient {

    /** The User-Agent's product name (RFC 9110 10.1.5), as {@code curl/8.5.0}. */
    static final String PRODUCT = "strata-curl";

    private final SocketService sockets;
    private final String userAgent;

    @Activate
    public StackHttpClient(@Reference(name = "sockets") SocketService sockets, BundleContext context) {
        this(sockets, userAgent(context.getBundle().getVersion()));
    }

    /** For tests and embedding without DS. */
    public StackHttpClient(SocketService sockets, String userAgent) {
        this.sockets = sockets;
        this.userAgent = userAgent;
    }

    /** {@code strata-curl/MAJOR.MINOR.MICRO} of the bundle's version. */
    static String userAgent(Version version) {
        return PRODUCT + "/" + version.getMajor() + "." + version.getMinor() + "." + version.getMicro();
    }

    @Override
    public Response send(Request request, BodySink sink) throws HttpClientException, InterruptedException {
        return new Exchange(sockets, userAgent, request).run(sink);
    }
}
