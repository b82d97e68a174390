package dev.strata.api.tcp;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A congestion control algorithm's bundle registers one of these with {@value #PROPERTY}
 * naming the algorithm ({@code reno}, {@code cubic}); TCP makes one controller per
 * connection from it. {@code tcp cc} lists the registered names.
 */
@ConsumerType
public interface CongestionControlFactory {

    /** Service property: the algorithm's name. */
    String PROPERTY = "strata.tcp.cc";

    /** A controller for one connection. */
    CongestionControl create();
}
