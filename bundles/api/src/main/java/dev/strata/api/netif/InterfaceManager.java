package dev.strata.api.netif;

import java.io.IOException;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The registry of interfaces: what {@code ifconfig} lists and changes, and what the layers
 * ask to find the interface of an address.
 */
@ProviderType
public interface InterfaceManager {

    /**
     * Opens the link (a TAP device, or the loopback for {@code lo}) if it is not open, assigns
     * the address and brings the interface up; {@link InterfaceListener}s hear of it.
     * Reconfiguring an interface that is up changes its address in place.
     *
     * @throws IOException if the link cannot be opened; nothing is half-applied
     */
    NetworkInterface configure(InterfaceConfig config) throws IOException;

    /**
     * Takes the interface down and releases its link; listeners hear of it first.
     *
     * @return false if there is no such interface
     */
    boolean down(String name);

    /** Every interface, in index order. */
    List<NetworkInterface> interfaces();

    /** The interface called {@code name}, or null. */
    NetworkInterface byName(String name);

    /** The interface that is up and has the IPv4 address {@code address}, or null. */
    NetworkInterface byAddress(int address);

    /**
     * Sets the tap that sees every frame of interface {@code name} (null: of every interface
     * up now), replacing any tap there; a null tap removes it.
     *
     * @return false if there is no such interface
     */
    boolean setTap(String name, FrameTap tap);
}
