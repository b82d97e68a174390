package dev.strata.link.tap;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.ether.MacAddress;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkProvider;
import dev.strata.api.link.LinkRequest;

/**
 * Opens Linux TAP devices ({@code strata.link.type=tap}), optionally inside a network
 * namespace, reading frames into buffers of the {@link BufferPool} service.
 *
 * <p>Every link it opened and that is still open is closed when the component deactivates
 * (bundle stopped, framework shutting down on SIGTERM), so TAP devices the stack created
 * disappear from Linux with it.
 */
@Component(service = LinkProvider.class, property = LinkProvider.TYPE_PROPERTY + "=tap", configurationPid = TapLinkProvider.PID)
@Designate(ocd = TapLinkProvider.Config.class)
public final class TapLinkProvider implements LinkProvider {

    static final String PID = "dev.strata.link.tap";

    /** Settings of the TAP driver ({@code etc/dev.strata.link.tap.cfg}). */
    @ObjectClassDefinition(name = "Strata TAP driver", description = "How TAP links read frames.")
    public @interface Config {
        @AttributeDefinition(description = "Microseconds the reader keeps polling without sleeping after the last frame "
                + "(like net.core.busy_poll): lower latency while traffic flows, one core busy meanwhile; 0 to always sleep")
        int busyPollMicros() default DEFAULT_BUSY_POLL_MICROS;

        @AttributeDefinition(description = "Checksum and TCP segmentation offload with the kernel (IFF_VNET_HDR, "
                + "TUN_F_CSUM | TUN_F_TSO4, as QEMU's virtio-net): the kernel hands over TCP segments of up to 64 KB "
                + "and leaves checksums of its own packets undone")
        boolean offload() default true;
    }

    /**
     * Long enough to bridge the gaps of a request/response conversation (ping -i 0.002 sends
     * every 2 ms), short enough that a link at rest stops spinning at once.
     */
    static final int DEFAULT_BUSY_POLL_MICROS = 5000;

    private final BufferPool bufferPool;
    private volatile long busyPollNanos;
    private volatile boolean offload;
    private final Set<TapLink> links = ConcurrentHashMap.newKeySet();
    private volatile boolean active = true;

    @Activate
    public TapLinkProvider(@Reference(name = "bufferPool") BufferPool bufferPool, Config config) {
        this.bufferPool = bufferPool;
        modified(config);
    }

    /** A provider whose links always sleep when idle (no busy polling); for tests. */
    TapLinkProvider(BufferPool bufferPool) {
        this.bufferPool = bufferPool;
    }

    /** New settings apply to links opened from now on. */
    @Modified
    void modified(Config config) {
        busyPollNanos = TimeUnit.MICROSECONDS.toNanos(Math.max(0, config.busyPollMicros()));
        offload = config.offload();
    }

    @Override
    public Link open(LinkRequest request) throws IOException {
        if (!active) {
            throw stopped(request);
        }
        TapOpener.Opened opened = TapOpener.open(request, offload);
        // The stack's own address; the kernel side of the TAP has a MAC of its own.
        long mac = request.macAddress() == LinkRequest.ANY_MAC
                ? MacAddress.randomLocal()
                : request.macAddress() & 0xffff_ffff_ffffL;
        TapLink link = new TapLink(request.name(), mac, opened.mtu(), opened.fd(), bufferPool, links::remove, busyPollNanos,
                opened.offload());
        links.add(link);
        if (!active) {
            link.close();
            throw stopped(request);
        }
        return link;
    }

    /** Closes every link this provider opened. */
    @Deactivate
    void deactivate() {
        active = false;
        for (TapLink link : links) {
            link.close();
        }
        links.clear();
    }

    /** Links opened and not yet closed; for tests. */
    int openLinks() {
        return links.size();
    }

    private static IOException stopped(LinkRequest request) {
        return new IOException("cannot open TAP device " + request.name() + ": link provider stopped");
    }
}
