package dev.strata.api.tcp;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What an operator (the {@code tcp} shell command, the HTTP status page) asks of the running
 * TCP: the congestion control algorithms installed and the default, the connections with
 * their inner state ({@code ss -ti}), and switching one connection's algorithm while it runs.
 * Registered by the TCP bundle.
 */
@ProviderType
public interface TcpControl {

    /** The names of the algorithms installed now ({@code reno}, {@code cubic}...), in registration order. */
    List<String> congestionControls();

    /** The algorithm new connections get when they ask for none. */
    String defaultCongestionControl();

    /**
     * Makes {@code name} the default for new connections (open ones keep theirs).
     *
     * @throws IllegalArgumentException when no algorithm of that name is installed
     */
    void defaultCongestionControl(String name);

    /** Every connection TCP holds, listeners excluded, in no particular order. */
    List<TcpConnectionInfo> connections();

    /**
     * Switches the connection with this socket pair to {@code name}, keeping its window.
     *
     * @return false when there is no such connection or no such algorithm
     */
    boolean congestionControl(int localAddress, int localPort, int remoteAddress, int remotePort, String name);
}
