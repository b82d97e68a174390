package dev.strata.core;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

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
import dev.strata.api.link.LinkProvider;
import dev.strata.api.link.LinkRequest;
import dev.strata.api.netif.InterfaceConfig;
import dev.strata.api.netif.InterfaceManager;

/**
 * An interface described by a file in {@code etc/}, such as
 * {@code dev.strata.interface-strata0.cfg}: brought up when the file appears (and the TAP
 * driver runs), reconfigured when it changes, taken down when it is removed. The same as
 * typing {@code ifconfig NAME ADDR/PREFIX [mtu N] [hw MAC] [netns NS] up}.
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

    private static final Logger LOG = System.getLogger(ConfiguredInterface.class.getName());

    private final InterfaceManager manager;
    private final String name;

    @Activate
    public ConfiguredInterface(@Reference InterfaceManager manager,
            @Reference(target = "(" + LinkProvider.TYPE_PROPERTY + "=tap)") LinkProvider tapDriver,
            Config config) {
        this.manager = manager;
        this.name = config.name();
        try {
            manager.configure(toInterfaceConfig(config));
        } catch (IOException | RuntimeException failure) {
            LOG.log(Level.ERROR, "etc/" + FACTORY_PID + "-" + name + ".cfg: " + failure.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        manager.down(name);
    }

    static InterfaceConfig toInterfaceConfig(Config config) {
        int[] cidr = Ipv4Address.parseCidr(config.address());
        long mac = config.hw().isBlank() ? LinkRequest.ANY_MAC : MacAddress.parse(config.hw());
        String netns = config.netns().isBlank() ? null : config.netns().trim();
        return new InterfaceConfig(config.name().trim(), cidr[0], cidr[1], config.mtu(), mac, netns);
    }
}
