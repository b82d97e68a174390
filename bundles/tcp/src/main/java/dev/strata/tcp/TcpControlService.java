package dev.strata.tcp;

import java.util.List;

import dev.strata.api.tcp.TcpConnectionInfo;
import dev.strata.api.tcp.TcpControl;

/**
 * The operator's view of TCP ({@link TcpControl}): the congestion control algorithms and the
 * default (as Linux's {@code net.ipv4.tcp_available_congestion_control} and
 * {@code tcp_congestion_control}), every connection's inner state, and switching one
 * connection's algorithm ({@code ss}/{@code TCP_CONGESTION}). {@link TcpLayer} registers it.
 */
final class TcpControlService implements TcpControl {

    private final TcpStack stack;
    private final CongestionControls controls;

    TcpControlService(TcpStack stack, CongestionControls controls) {
        this.stack = stack;
        this.controls = controls;
    }

    @Override
    public List<String> congestionControls() {
        return List.of(controls.names());
    }

    @Override
    public String defaultCongestionControl() {
        return controls.effectiveDefault();
    }

    @Override
    public void defaultCongestionControl(String name) {
        if (name == null || !controls.installed(name)) {
            // as Linux's sysctl tcp_congestion_control: ENOENT for an algorithm not loaded
            throw new IllegalArgumentException("no congestion control algorithm named " + name + " is installed");
        }
        controls.defaultName(name);
    }

    @Override
    public List<TcpConnectionInfo> connections() {
        return stack.connectionInfos();
    }

    @Override
    public boolean congestionControl(int localAddress, int localPort, int remoteAddress, int remotePort, String name) {
        TcpConnection c = stack.find(localAddress, localPort, remoteAddress, remotePort);
        return c != null && name != null && c.congestionControl(name);
    }
}
