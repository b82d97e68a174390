package dev.strata.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.strata.api.http.HttpHandler;
import dev.strata.api.http.HttpRequest;
import dev.strata.api.http.HttpResponse;
import dev.strata.api.ipv4.RoutingTable;
import dev.strata.api.netif.InterfaceManager;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.SocketService;

/**
 * The status page at {@code /}: the stack describing itself (interfaces with their counters, the
 * routing table, the open sockets, the bundles), as HTML for browsers and as JSON when the request's
 * Accept header asks for {@code application/json} (RFC 9110 12.5.1). It is registered at exactly
 * {@code /} ({@link HttpHandler#EXACT}), so the static files and other handlers serve every path below it.
 *
 * <p>Every service is optional and dynamic: a section whose service is absent says "not running"
 * (null in JSON), and the page never keeps its component from activating. The
 * {@link SocketService} is bundle-scoped; DS gets this bundle's instance through the reference.
 */
@Component(service = HttpHandler.class,
        property = { HttpHandler.PATH + "=/", HttpHandler.MATCH + "=" + HttpHandler.EXACT })
public final class StatusPage implements HttpHandler {

    static final String HTML = "text/html; charset=utf-8";
    static final String JSON = "application/json; charset=utf-8";

    private final BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile InterfaceManager interfaces;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RoutingTable routes;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SocketService sockets;

    @Activate
    public StatusPage(BundleContext context) {
        this.context = context;
    }

    /** For tests: a page over these services (any may be null), without bundles. */
    StatusPage(InterfaceManager interfaces, RoutingTable routes, SocketService sockets) {
        this.context = null;
        this.interfaces = interfaces;
        this.routes = routes;
        this.sockets = sockets;
    }

    @Override
    public void handle(HttpRequest request, HttpResponse response) {
        if (!"/".equals(request.path())) {
            response.status(404);
            response.body("Not Found\n", "text/plain; charset=utf-8");
            return;
        }
        String method = request.method();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            // RFC 9110 15.5.6: 405 names the methods allowed
            response.status(405).header("Allow", "GET, HEAD");
            response.body("Method Not Allowed\n", "text/plain; charset=utf-8");
            return;
        }
        StatusReport report = report();
        // RFC 9110 12.5.5: the representation depends on Accept, so caches must key on it
        response.header("Vary", "Accept").header("Cache-Control", "no-store");
        if (wantsJson(request.header("Accept"))) {
            response.body(StatusRenderer.json(report), JSON);
        } else {
            response.body(StatusRenderer.html(report), HTML);
        }
    }

    /** Copies the present services' state into a report. */
    StatusReport report() {
        InterfaceManager nifs = interfaces;
        RoutingTable table = routes;
        SocketService socketService = sockets;
        List<StatusReport.BundleRow> bundles = new ArrayList<>();
        String version = null;
        BundleContext bc = context;
        if (bc != null) {
            try {
                version = bc.getBundle().getVersion().toString();
                for (Bundle bundle : bc.getBundles()) {
                    bundles.add(StatusReport.BundleRow.of(bundle));
                }
            } catch (IllegalStateException e) {
                // the context became invalid under us (this bundle stopping): show no bundles
            }
        }
        return new StatusReport(
                StatusReport.rows(nifs == null ? null : nifs.interfaces(), StatusReport.InterfaceRow::of),
                StatusReport.rows(table == null ? null : table.routes(), StatusReport.RouteRow::of),
                StatusReport.rows(socketService == null ? null : sorted(socketService.sockets()), StatusReport.SocketRow::of),
                bundles, version,
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
    }

    /** Sockets as netstat would group them: by protocol, local port, remote address and port. */
    private static List<SocketInfo> sorted(List<SocketInfo> sockets) {
        List<SocketInfo> copy = new ArrayList<>(sockets);
        copy.sort(Comparator.comparing(SocketInfo::protocol)
                .thenComparingInt(SocketInfo::localPort)
                .thenComparingLong(i -> Integer.toUnsignedLong(i.remoteAddress()))
                .thenComparingInt(SocketInfo::remotePort));
        return copy;
    }

    /**
     * True when {@code accept} lists {@code application/json} (or {@code application/*}) with a
     * weight above 0 and above that of {@code text/html} (RFC 9110 12.5.1); a browser's Accept
     * lists text/html first and gets HTML.
     */
    static boolean wantsJson(String accept) {
        if (accept == null) {
            return false;
        }
        double json = -1;
        double wildcard = -1;
        double html = -1;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (String parameter : Arrays.asList(parts).subList(1, parts.length)) {
                String p = parameter.trim();
                if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                    try {
                        q = Double.parseDouble(p.substring(2).trim());
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (type.equals("application/json")) {
                json = Math.max(json, q);
            } else if (type.equals("application/*")) {
                wildcard = Math.max(wildcard, q);
            } else if (type.equals("text/html")) {
                html = Math.max(html, q);
            }
        }
        if (json < 0) {
            json = wildcard; // the more specific range wins (RFC 9110 12.5.1)
        }
        return json > 0 && json > html;
    }
}
