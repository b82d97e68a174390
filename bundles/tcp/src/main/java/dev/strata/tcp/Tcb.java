package dev.strata.tcp;

import dev.strata.api.tcp.CongestionState;

/**
 * The Transmission Control Block (RFC 9293 3.3.1): one connection's whole state as plain
 * fields, nothing else. The state machine ({@link TcpConnection}) and its helpers read and
 * write it; nothing in here refers to services, locks or callbacks, so that a later issue can
 * export a TCB and a new TCP bundle import it under an open connection (live upgrade).
 *
 * <p>Sequence numbers are ints compared with {@link Seq}; windows are bytes (already scaled);
 * times are nanoseconds of the Scheduler's clock, 0 meaning "no deadline".
 */
final class Tcb {

    // ---- the connection's identity (RFC 9293 3.3.1: the socket pair) ---------------------
    int localAddress;
    int localPort;
    int remoteAddress;
    int remotePort;

    TcpState state = TcpState.CLOSED;
    /** True for a connection born from a listener (RFC 9293 3.10.7.4: RST in SYN-RECEIVED returns it to LISTEN). */
    boolean passiveOpen;

    // ---- send sequence variables (RFC 9293 3.3.1, Figure 4) -------------------------------------
    /** SND.UNA: oldest unacknowledged sequence number. */
    int sndUna;
    /** SND.NXT: next sequence number to send. */
    int sndNxt;
    /** The highest sequence number sent (SND.NXT goes back to SND.UNA on a timeout; this does not). */
    int sndMax;
    /** SND.WND: the peer's window in bytes (scaled). */
    long sndWnd;
    /** SND.WL1 / SND.WL2: segment seq and ack of the last window update (RFC 9293 3.10.7.4). */
    int sndWl1;
    int sndWl2;
    /** ISS: our initial sequence number. */
    int iss;
    /** The largest window the peer ever offered (for silly-window avoidance, RFC 9293 3.8.6.2.1). */
    long maxSndWnd;

    // ---- receive sequence variables (RFC 9293 3.3.1, Figure 5) ----------------------------------
    /** RCV.NXT: next sequence number expected. */
    int rcvNxt;
    /** RCV.WND as last advertised, in bytes. */
    long rcvWnd;
    /** The right edge advertised last (RCV.NXT + RCV.WND): never moved left (RFC 9293 3.8.6.2.2). */
    int rcvAdvertisedEdge;
    /** IRS: the peer's initial sequence number. */
    int irs;

    // ---- FINs ------------------------------------------------------------------------------------
    /** The application closed or shut down output: a FIN follows the buffered data. */
    boolean finQueued;
    /** Our FIN has a sequence number (SND.NXT passed it): {@link #finSeq} is valid. */
    boolean finSent;
    int finSeq;
    /** The application closed the connection (Linux: an orphan): FIN-WAIT-2 is bounded by tcp_fin_timeout. */
    boolean orphaned;
    /** The peer's FIN was received in order (RCV.NXT counts it). */
    boolean finReceived;
    /** The peer's FIN arrived out of order (after a hole): it takes effect when RCV.NXT reaches {@link #outOfOrderFinSeq}. */
    boolean outOfOrderFin;
    int outOfOrderFinSeq;

    // ---- options negotiated (RFC 9293 3.7.1, RFC 7323, RFC 2018) --------------------------------
    /** The peer's MSS (its option, or 536 per RFC 9293 3.7.1 when absent). */
    int peerMss = 536;
    /** The MSS we offered (from the route MTU). */
    int localMss = 536;
    /**
     * The route's link segments and checksums for us (Ipv4Output#gsoMaxSizeFor, a TAP with
     * offloads): the largest datagram it takes whole; 0 when it does not (then every segment
     * is at most the MSS and checksummed here).
     */
    int gsoMaxSize;
    /** Effective send MSS: min(peerMss, localMss) minus options sent on every segment. */
    int sendMss = 536;
    /** Window scaling in force (both sides sent the option, RFC 7323 2.2). */
    boolean windowScaling;
    /** Shift applied to the peer's window field (Snd.Wind.Shift). */
    int sndWindowShift;
    /** Shift we apply to our window field (Rcv.Wind.Shift). */
    int rcvWindowShift;
    /** Timestamps in force (RFC 7323 3.2). */
    boolean timestamps;
    /** TS.Recent (RFC 7323 4.3) and when it was set, for the 24-day rule (RFC 7323 5.5). */
    int tsRecent;
    long tsRecentNanos;
    /** Added to the millisecond clock to make our TSval (RFC 7323 5.4: a random offset per connection). */
    int tsOffset;
    /** Last ACK we sent (Last.ACK.sent, RFC 7323 4.3). */
    int lastAckSent;
    /** The peer said SACK-permitted and so did we (RFC 2018 2). */
    boolean sackPermitted;

    // ---- acknowledgment and Nagle policy (RFC 1122 4.2.3.2, RFC 896) ------------------------------
    /** Data segments still to be acknowledged at once before delayed ACKs start (Linux quick-ack mode). */
    int quickAcks = TcpConfig.QUICK_ACKS;
    /**
     * The peer's segment size as we see it (Linux icsk_ack.rcv_mss, tcp_measure_rcv_mss): the
     * largest payload received lately, at most our MSS; 0 until the first data segment. The
     * delayed-ACK rule counts in it, so a sender that never fills our MSS (a loopback's 64 KB
     * MSS) is still acknowledged every second segment.
     */
    int rcvMss;
    /** The size of the last segment below {@link #rcvMss} (Linux icsk_ack.last_seg_size). */
    int lastSegSize;
    /** TCP_NODELAY: Nagle's algorithm off. */
    boolean noDelay;

    // ---- keep-alive (RFC 1122 4.2.3.6; SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT) -----------
    boolean keepAlive;
    long keepIdleNanos;
    long keepIntervalNanos;
    int keepCount;
    /** Keep-alive probes sent without an answer. */
    int keepAliveProbes;

    // ---- buffers ---------------------------------------------------------------------------------
    SendBuffer sendBuffer;
    ReceiveBuffer receiveBuffer;

    // ---- buffer auto-tuning (BufferTuning; StreamOptions.AUTOMATIC) ----------------------------------
    /** The receive / send buffer is the transport's to size (the application set none). */
    boolean receiveAutoTune;
    boolean sendAutoTune;
    /** The send buffer's size at the start (restored when the application writes after an idle trim). */
    int sendBufferInitial;
    /** Linux rcvq_space: the most bytes read in one round trip, and the current measurement's start. */
    long rcvSpace;
    long rcvSpaceStartNanos;
    long rcvSpaceStartPosition;
    /** When a buffer was last used (read, written, acknowledged) and when the idle trim is due (0: not armed). */
    long lastBufferUseNanos;
    long trimDeadline;
    /** When to try the path MTU we had before ICMP lowered it (RFC 1191 6.3), or 0. */
    long pmtuRaiseDeadline;

    // ---- timers (deadlines in Scheduler nanoseconds, 0 = not armed) -------------------------------
    RttEstimator rtt;
    long retransmitDeadline;
    /** Consecutive retransmissions of the oldest segment (for giving up, like tcp_retries2 / tcp_syn_retries). */
    int retransmits;
    /** The end of TIME-WAIT (2 MSL), or of an orphan's FIN-WAIT-2 (tcp_fin_timeout). */
    long timeWaitDeadline;
    long delayedAckDeadline;
    /** The persist timer (RFC 9293 3.8.6.1): when the next zero-window probe goes; 0 when not persisting. */
    long persistDeadline;
    /** Zero-window probes sent since the window closed (the exponent of the persist backoff). */
    int persistProbes;
    /** Zero-window probes sent since the peer last sent anything (gives up at tcp_retries2, as Linux). */
    int persistUnanswered;
    long keepAliveDeadline;
    /** The sender SWS override timer (RFC 1122 4.2.3.4): data held back by a small window goes when it fires. */
    long swsDeadline;
    /** Set while the override timer's output runs: one short segment may go. */
    boolean swsOverride;
    /** The segment being timed for an RTT sample (Karn, RFC 6298 3): whether one is, its sequence number and send time. */
    boolean rttTiming;
    int rttSeq;
    long rttStartNanos;
    /** Our TSval clock when the retransmission timer last expired: older echoes give no RTT sample (RFC 7323 4.1). */
    int tsAtLastTimeout;
    boolean tsAtLastTimeoutValid;

    // ---- RFC 5961 7: the challenge ACK rate limit ----------------------------------------------------
    long challengeAckWindowStartNanos;
    int challengeAcksInWindow;

    // ---- congestion control (RFC 5681, RFC 6582) -----------------------------------------------------
    CongestionState congestion = new CongestionState();
    /** The algorithm's name ({@code cubic}, {@code reno}). */
    String congestionAlgorithm;
    /** RFC 7661 / Linux tcp_cwnd_validate: the sender used its cwnd in the current window of data. */
    boolean cwndLimited;
    /** The largest flight (bytes) in the current window of data. */
    long maxFlight;
    /** SND.NXT when {@link #cwndLimited}/{@link #maxFlight} were last set: the window they describe ends there. */
    int cwndUsageSeq;
    boolean cwndUsageValid;
    /** Consecutive duplicate ACKs as RFC 5681 2 defines them. */
    int duplicateAcks;
    /** In NewReno fast recovery (RFC 6582 3.2), until an ACK covers {@link #recover}. */
    boolean inRecovery;
    /**
     * RFC 6582 "recover": SND.MAX when recovery began or the RTO fired (ISS at first); in a SACK
     * recovery it is RFC 6675's RecoveryPoint (HighData at the start, section 5 step 4.1).
     */
    int recover;
    /** RFC 6582 3.2 step 4 ("Impatient"): the first partial ACK of this recovery restarted the timer. */
    boolean recoveryTimerRestarted;

    // ---- per-connection statistics (Linux tcp_info: tcpi_total_retrans, tcpi_bytes_acked, tcpi_bytes_received) ----
    long retransmittedSegments;
    long bytesAcked;
    long bytesReceived;

    // ---- SACK-based loss recovery (RFC 6675), for connections with SACK permitted ------------------------
    /** What the peer SACKed above SND.UNA (RFC 6675 3). */
    Scoreboard scoreboard = new Scoreboard();
    /** The recovery in progress ({@link #inRecovery}) is RFC 6675's, driven by the scoreboard. */
    boolean sackRecovery;
    /** RFC 6675 HighRxt: the end (exclusive) of the highest octet retransmitted in this recovery. */
    int highRxt;
    /** RFC 6675 RescueRxt (NextSeg rule 4), valid when {@link #rescueRxtValid}. */
    int rescueRxt;
    boolean rescueRxtValid;

    // ---- RACK-TLP (RFC 8985), for connections with SACK permitted (RackTlp) ------------------------------
    /** Per-segment transmit times and marks (RFC 8985 5.2). */
    SendLog sendLog = new SendLog();
    /** What {@link #retransmitDeadline} fires: RetransmitTimer.RTO, PROBE (TLP) or REORDER (RACK), as Linux's icsk_pending. */
    int retransmitTimerKind;
    /** RACK.xmit_ts, RACK.end_seq: the most recently sent segment delivered (valid when {@link #rackValid}). */
    long rackXmitTs;
    int rackEndSeq;
    boolean rackValid;
    /** RACK.rtt: the RTT of that segment. */
    long rackRtt;
    /** RACK.fack: the highest end of a delivered segment (valid when {@link #rackFackValid}). */
    int rackFack;
    boolean rackFackValid;
    /** RACK.reordering_seen. */
    boolean rackReorderingSeen;
    /** RACK.reo_wnd_mult, RACK.reo_wnd_persist, RACK.dsack_round (6.2 step 4). */
    int rackReoWndMult = 1;
    int rackReoWndPersist;
    int rackDsackRound;
    boolean rackDsackRoundValid;
    /** The ACK being processed carried a DSACK block, ending at {@link #dsackEnd}. */
    boolean dsackThisAck;
    int dsackEnd;
    /** A TLP episode is open (TLPRxtOut; RFC 8985's TLP.end_seq is set): {@link #tlpHighRxt} is TLP.end_seq. */
    boolean tlpRxtOut;
    int tlpHighRxt;
    /** TLP.is_retrans: the probe was a retransmission (not new data). */
    boolean tlpIsRetrans;

    // ---- error to report (ECONNRESET...) once the connection is gone -----------------------------------
    /** The SocketError name to report, or null. */
    String pendingError;
    /**
     * The last ICMP soft error (RFC 1122 4.2.3.9; Linux sk_err_soft), a SocketError name or
     * null: reported instead of ETIMEDOUT if the connection times out; an ACK of new data clears it.
     */
    String softError;

    Tcb(int sendBufferBytes, int receiveBufferBytes, long minRtoNanos, long maxRtoNanos) {
        sendBuffer = new SendBuffer(sendBufferBytes);
        receiveBuffer = new ReceiveBuffer(receiveBufferBytes);
        rtt = new RttEstimator(minRtoNanos, maxRtoNanos);
    }

    /** Bytes sent and not acknowledged, SYN and FIN excluded: SND.NXT - SND.UNA in data. */
    int unacknowledgedData() {
        return Math.min(sendBuffer.length, Seq.distance(sndUna, sndNxt));
    }
}
