package dev.strata.core;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.strata.api.ether.MacAddress;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.link.LinkRequest;
import dev.strata.api.netif.InterfaceConfig;
import dev.strata.api.netif.InterfaceManager;
import dev.strata.api.time.Cancellable;
import dev.strata.api.time.Scheduler;

/**
 * An interface described by a file in {@code etc/}, such as
 * {@code dev.strata.interface-strata0.cfg}: brought up when the file appears (and the TAP
 * driver runs), reconfigured when it changes, taken down when it is removed. The same as
 * typing {@code ifconfig NAME ADDR/PREFIX [mtu N] [hw MAC] [netns NS] up}.
 *
 * <p>If the interface cannot be brought up yet (the TAP driver has not reached the registry,
 * the namespace does not exist yet), it tries again with a growing delay, up to every
 * {@value #MAX_RETRY_MILLIS} ms, until it succeeds or the file goes away; the reason is
 * logged once, and again only when it changes.
 */
@Component(configurationPid = ConfiguredInterface.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = ConfiguredInterface.Config.class, factory = true)
public final class ConfiguredInterface {

    static final String FACTORY_PID = "dev.strata.interface";

    @ObjectClassDefinition(name = "Strata interface", description = "A TAP interface brought up at start.")
    public @interface Config {
        @AttributeDefinition(description = "Device name, e.g. strata0")
        String name();

        @AttributeDefinition(description = "IPv4 address and prefix, e.g. 198.18.0.2/24")
        String address();

        @AttributeDefinition(description = "MTU; 0 for the default")
        int mtu() default 0;

        @AttributeDefinition(description = "Hardware address aa:bb:cc:dd:ee:ff; empty for a random local one")
        String hw() default "";

        @AttributeDefinition(description = "Linux network namespace to open the TAP device in; empty for the JVM's own")
        String netns() default "";
    }

    static final long FIRST_RETRY_MILLIS = 200;
    static final long MAX_RETRY_MILLIS = 5000;

    private static final Logger LOG = System.getLogger(ConfiguredInterface.class.getName());

    private final InterfaceManager manager;
    private final Scheduler scheduler;
    private final String name;
    private final String file;
    private InterfaceConfig wanted;
    private Cancellable retry;
    private String lastFailure;
    private boolean active = true;

    @Activate
    public ConfiguredInterface(@Reference InterfaceManager manager, @Reference Scheduler scheduler, Config config) {
        this.manager = manager;
        this.scheduler = scheduler;
        this.name = config.name().trim();
        this.file = "etc/" + FACTORY_PID + "-" + name + ".cfg";
        try {
            wanted = toInterfaceConfig(config);
        } catch (RuntimeException bad) {
            LOG.log(Level.ERROR, file + ": " + bad.getMessage());
            return;
        }
        attempt(FIRST_RETRY_MILLIS);
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        if (retry != null) {
            retry.cancel();
        }
        if (wanted != null) {
            manager.down(name);
        }
    }

    private synchronized void attempt(long nextDelayMillis) {
        retry = null;
        if (!active) {
            return;
        }
        try {
            manager.configure(wanted);
            if (lastFailure != null) {
                LOG.log(Level.INFO, file + ": " + name + " is up");
            }
        } catch (IOException | RuntimeException failure) {
            String reason = String.valueOf(failure.getMessage());
            if (!reason.equals(lastFailure)) {
                LOG.log(Level.ERROR, file + ": " + reason + " (trying again)");
                lastFailure = reason;
            }
            long next = Math.min(nextDelayMillis * 2, MAX_RETRY_MILLIS);
            retry = scheduler.schedule(() -> attempt(next), nextDelayMillis, TimeUnit.MILLISECONDS);
        }
    }

    static InterfaceConfig toInterfaceConfig(Config config) {
        int[] cidr = Ipv4Address.parseCidr(config.address());
        long mac = config.hw().isBlank() ? LinkRequest.ANY_MAC : MacAddress.parse(config.hw());
        String netns = config.netns().isBlank() ? null : config.netns().trim();
        return new InterfaceConfig(config.name().trim(), cidr[0], cidr[1], config.mtu(), mac, netns);
    }
}
