package dev.strata.link.loopback;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import dev.strata.api.link.Link;
import dev.strata.api.link.LinkProvider;
import dev.strata.api.link.LinkRequest;

/**
 * Opens loopback links ({@code strata.link.type=loopback}). Each link has its own delivery
 * thread; deactivating the component closes every link it opened.
 */
@Component(service = LinkProvider.class, property = LinkProvider.TYPE_PROPERTY + "=loopback")
public final class LoopbackLinkProvider implements LinkProvider {

    /** The MTU of Linux's {@code lo}, used when a request names none. */
    public static final int DEFAULT_MTU = 65536;

    private final Set<LoopbackLink> links = ConcurrentHashMap.newKeySet();
    private volatile boolean active = true;

    @Override
    public Link open(LinkRequest request) throws IOException {
        if (!active) {
            throw new IOException("cannot open loopback " + request.name() + ": link provider stopped");
        }
        int mtu = request.mtu() > 0 ? request.mtu() : DEFAULT_MTU;
        LoopbackLink link = new LoopbackLink(request.name(), mtu, LoopbackLink.QUEUE_CAPACITY, links::remove);
        links.add(link);
        if (!active) {
            link.close();
            throw new IOException("cannot open loopback " + request.name() + ": link provider stopped");
        }
        return link;
    }

    @Deactivate
    void deactivate() {
        active = false;
        for (LoopbackLink link : links) {
            link.close();
        }
        links.clear();
    }

    /** Links opened and not yet closed; for tests. */
    int openLinks() {
        return links.size();
    }
}
