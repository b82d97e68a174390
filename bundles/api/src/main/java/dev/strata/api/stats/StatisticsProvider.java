package dev.strata.api.stats;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A layer's counters, registered as a service for {@code stats} (as {@code netstat -s}
 * prints them): one section per protocol.
 */
@ConsumerType
public interface StatisticsProvider {

    /** The section's name: {@code Ip}, {@code Icmp}, {@code Arp}, {@code Ethernet}. */
    String protocol();

    /** Counter name to value, in a stable order. */
    Map<String, Long> counters();
}
