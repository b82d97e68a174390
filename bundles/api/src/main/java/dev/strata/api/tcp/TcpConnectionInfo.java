package dev.strata.api.tcp;

/**
 * One connection's inner state, as {@code ss -tni} shows a Linux socket's.
 *
 * @param state the RFC 9293 state name ({@code ESTABLISHED}, {@code TIME_WAIT}...)
 * @param localAddress local IPv4 address
 * @param localPort local port
 * @param remoteAddress peer address
 * @param remotePort peer port
 * @param congestionControl the algorithm's name
 * @param sendMss the MSS segments are sent with
 * @param peerMss the MSS the peer announced
 * @param sendWindowScale the peer's window shift, -1 without window scaling (RFC 7323 2)
 * @param receiveWindowScale our window shift, -1 without window scaling
 * @param timestamps timestamps in use (RFC 7323 3)
 * @param sack SACK permitted both ways (RFC 2018)
 * @param rttMicros the smoothed RTT, 0 before the first sample
 * @param rttVarMicros the RTT variation
 * @param rtoMillis the retransmission timeout now
 * @param congestionWindow cwnd in bytes
 * @param slowStartThreshold ssthresh in bytes ({@code Integer.MAX_VALUE} while unset)
 * @param sendWindow the peer's window in bytes
 * @param receiveWindow the window we offer, in bytes
 * @param receiveQueue bytes received and not yet read
 * @param sendQueue bytes written and not yet acknowledged
 * @param retransmittedSegments segments retransmitted over the connection's life
 * @param bytesAcked bytes of ours the peer acknowledged
 * @param bytesReceived bytes received in order
 */
public record TcpConnectionInfo(String state, int localAddress, int localPort, int remoteAddress, int remotePort,
        String congestionControl, int sendMss, int peerMss, int sendWindowScale, int receiveWindowScale,
        boolean timestamps, boolean sack, long rttMicros, long rttVarMicros, long rtoMillis, long congestionWindow,
        long slowStartThreshold, long sendWindow, long receiveWindow, int receiveQueue, int sendQueue,
        long retransmittedSegments, long bytesAcked, long bytesReceived) {
}
