package dev.strata.api.link;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Opens links of one type, named by the service property {@value #TYPE_PROPERTY}:
 * {@code tap} for Linux TAP devices, {@code loopback} for the loopback.
 */
@ProviderType
public interface LinkProvider {

    String TYPE_PROPERTY = "strata.link.type";

    /**
     * Opens (and, for TAP, creates if absent) the device {@code request.name()}.
     *
     * @throws IOException with a one-line message a user can act on, for example naming a
     *     missing CAP_NET_ADMIN or a missing /dev/net/tun
     */
    Link open(LinkRequest request) throws IOException;
}
