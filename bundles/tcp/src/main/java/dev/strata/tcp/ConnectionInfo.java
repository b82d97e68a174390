package dev.strata.tcp;

import dev.strata.api.socket.SocketInfo;
import dev.strata.api.tcp.TcpConnectionInfo;

/**
 * What the operator sees of one connection: {@code ss -ti}'s inner state
 * ({@link TcpConnectionInfo}, from the {@link Tcb}, its {@link RttEstimator} and its
 * congestion state) and {@code netstat -t}'s row ({@link SocketInfo}). Read under the
 * connection's monitor; allocates, which is fine off the packet path.
 */
final class ConnectionInfo {

    private ConnectionInfo() {
    }

    static TcpConnectionInfo of(TcpConnection c) {
        synchronized (c) {
            Tcb t = c.tcb;
            String algorithm = c.congestionControl != null ? c.congestionControl.name()
                    : t.congestionAlgorithm != null ? t.congestionAlgorithm : c.stack.congestionControl(null).name();
            long ssthresh = t.congestion.ssthresh == Long.MAX_VALUE ? Integer.MAX_VALUE : t.congestion.ssthresh;
            return new TcpConnectionInfo(t.state.name(), t.localAddress, t.localPort, t.remoteAddress, t.remotePort,
                    algorithm, t.sendMss, t.peerMss, t.windowScaling ? t.sndWindowShift : -1,
                    t.windowScaling ? t.rcvWindowShift : -1, t.timestamps, t.sackPermitted,
                    t.rtt.smoothedRttNanos / 1_000, t.rtt.rttVarianceNanos / 1_000, t.rtt.rtoNanos / 1_000_000,
                    t.congestion.cwnd, ssthresh, t.sndWnd, t.state.synchronized_() ? c.receiver.receiveWindow() : 0,
                    t.receiveBuffer.readable(), t.sendBuffer.length, t.retransmittedSegments, t.bytesAcked,
                    t.bytesReceived);
        }
    }

    /** netstat's row: Recv-Q is what the application has not read, Send-Q what the peer has not acknowledged. */
    static SocketInfo socketInfo(TcpConnection c) {
        synchronized (c) {
            Tcb t = c.tcb;
            return new SocketInfo("tcp", t.localAddress, t.localPort, t.remoteAddress, t.remotePort, t.state.name(),
                    t.receiveBuffer.readable(), t.sendBuffer.length, "");
        }
    }
}
