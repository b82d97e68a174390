package dev.strata.ipv4;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A static route from {@code etc/dev.strata.route-NAME.cfg} (factory PID {@code dev.strata.route}):
 * <pre>
 * destination = default
 * gateway = 198.18.0.1
 * </pre>
 */
@ObjectClassDefinition(pid = RouteConfiguration.PID, name = "Strata IPv4 route",
        description = "A static route added to the IPv4 routing table while this configuration exists.")
public @interface RouteConfig {

    @AttributeDefinition(description = "NET/PREFIX, a bare address (a host route), or 'default' (0.0.0.0/0).")
    String destination();

    @AttributeDefinition(required = false, description = "The next hop; empty for a network reached directly through the interface.")
    String gateway() default "";

    /** The property is called {@code interface} ({@code $} is dropped from the name). */
    @AttributeDefinition(name = "interface", required = false,
            description = "The outgoing interface; empty to take the one whose connected network holds the gateway.")
    String interface$() default "";

    @AttributeDefinition(required = false, description = "Lower wins among routes of the same prefix length.")
    int metric() default 0;
}
