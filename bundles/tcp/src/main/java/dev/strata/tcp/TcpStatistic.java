package dev.strata.tcp;

/**
 * The TCP counters, named as Linux's {@code /proc/net/snmp} names the SNMP Tcp group (RFC
 * 4022), then Strata's reasons for dropping segments.
 */
enum TcpStatistic {
    // ---- the SNMP Tcp group, as Linux prints it -----------------------------------------------
    /** Connections that went CLOSED -> SYN-SENT (active opens). */
    ACTIVE_OPENS("ActiveOpens"),
    /** Connections that went LISTEN -> SYN-RECEIVED (passive opens). */
    PASSIVE_OPENS("PassiveOpens"),
    /** Connections that went SYN-SENT/SYN-RECEIVED -> CLOSED, or SYN-RECEIVED -> LISTEN. */
    ATTEMPT_FAILS("AttemptFails"),
    /** Connections that went ESTABLISHED/CLOSE-WAIT -> CLOSED by a reset. */
    ESTAB_RESETS("EstabResets"),
    /** Connections now in ESTABLISHED or CLOSE-WAIT (a gauge). */
    CURR_ESTAB("CurrEstab"),
    /** Segments received, the erroneous ones included. */
    IN_SEGS("InSegs"),
    /** Segments sent, retransmissions excluded. */
    OUT_SEGS("OutSegs"),
    /** Segments retransmitted. */
    RETRANS_SEGS("RetransSegs"),
    /** Segments received in error (bad header, bad checksum, bad options). */
    IN_ERRS("InErrs"),
    /** Segments sent with RST. */
    OUT_RSTS("OutRsts"),
    /** Segments whose checksum did not verify. */
    IN_CSUM_ERRORS("InCsumErrors"),

    // ---- received segments dropped, by reason ----------------------------------------------------
    /** Shorter than the 20-byte header. */
    TOO_SHORT("TooShort"),
    /** Data offset below 5 words or beyond the segment (RFC 9293 3.1). */
    BAD_DATA_OFFSET("BadDataOffset"),
    /** An option whose length is short, too long for its kind, or runs past the header. */
    BAD_OPTION("BadOption"),
    /** Sent from or to port 0, or from a broadcast/multicast address. */
    BAD_ADDRESS("BadAddress"),
    /** A SYN that also carries FIN, for a listener: dropped, as Linux does (a scanner's probe). */
    SYN_FIN("SynFin"),
    /** Failed the acceptability test of RFC 9293 3.10.7.4 (answered with an ACK unless RST). */
    OUT_OF_WINDOW("OutOfWindow"),
    /** An ACK for data never sent (RFC 9293 3.10.7.4, "If the ACK acks something not yet sent"). */
    ACK_TOO_NEW("AckTooNew"),
    /** A challenge ACK was sent (RFC 5961 3.2, 4.2, 5.2). */
    CHALLENGE_ACKS("ChallengeAcks"),
    /** A challenge ACK was due but the rate limit held it back (RFC 5961 7). */
    CHALLENGE_ACKS_LIMITED("ChallengeAcksLimited"),
    /** A SYN dropped because the listener's SYN queue was full and SYN cookies are off (Linux TCPReqQFullDrop). */
    SYN_QUEUE_FULL("TCPReqQFullDrop"),
    /** A SYN answered with a cookie because the SYN queue was full (Linux TCPReqQFullDoCookies). */
    SYN_QUEUE_FULL_COOKIES("TCPReqQFullDoCookies"),
    /** SYN-ACKs sent with a SYN cookie (RFC 4987 3.6; Linux SyncookiesSent). */
    SYNCOOKIES_SENT("SyncookiesSent"),
    /** ACKs that returned a valid cookie and opened a connection (Linux SyncookiesRecv). */
    SYNCOOKIES_RECV("SyncookiesRecv"),
    /** ACKs to a listener whose cookie did not verify (forged, or older than 2 minutes; Linux SyncookiesFailed). */
    SYNCOOKIES_FAILED("SyncookiesFailed"),
    /** Completed connections the accept queue refused (Linux ListenOverflows). */
    LISTEN_OVERFLOWS("ListenOverflows"),
    /** Every SYN or completed connection a listener dropped, overflows included (Linux ListenDrops). */
    LISTEN_DROPS("ListenDrops"),
    /** A completed handshake the full accept queue could not take. */
    ACCEPT_QUEUE_FULL("AcceptQueueFull"),
    /** Out-of-order data that did not fit the out-of-order queue. */
    OFO_DROPPED("OfoDropped"),
    /** Out-of-order segments queued. */
    OFO_QUEUED("OfoQueue"),
    /** A handler's callback threw; the exception was swallowed. */
    CALLBACK_FAILED("CallbackFailed"),

    // ---- closing ---------------------------------------------------------------------------------------
    /** Connections the application closed that waited tcp_fin_timeout in FIN-WAIT-2 for the peer's FIN in vain. */
    FIN_WAIT2_TIMEOUTS("TCPFinWait2Timeouts"),
    /** TIME-WAIT connections replaced by a newer SYN (RFC 6191). */
    TIME_WAIT_REUSED("TCPTimeWaitReused"),

    // ---- ICMP errors (RFC 1122 4.2.3.9, RFC 1191, RFC 5927) ------------------------------------------
    /** ICMP errors (other than fragmentation needed) applied to a connection. */
    ICMP_ERRORS("IcmpErrors"),
    /** ICMP errors quoting a sequence number outside SND.UNA..SND.MAX, ignored (RFC 5927 4.1; Linux OutOfWindowIcmps). */
    OUT_OF_WINDOW_ICMPS("OutOfWindowIcmps"),
    /** ICMP errors about no connection of ours. */
    ICMP_NO_CONNECTION("IcmpNoConnection"),
    /** ICMP errors whose quoted headers were too short to read. */
    ICMP_BAD_QUOTE("IcmpBadQuote"),
    /** Fragmentation needed reporting an MTU below 68 (RFC 1191 3), ignored. */
    ICMP_BAD_MTU("IcmpBadMtu"),
    /** A connection's MSS lowered by path MTU discovery (RFC 1191). */
    PMTU_REDUCTIONS("PathMtuReductions"),
    /** A connection's MSS raised again 10 minutes after a reduction (RFC 1191 6.3). */
    PMTU_RAISES("PathMtuRaises"),
    /** Connections adopted from the TCP bundle this one replaced (SPEC section 4). */
    HANDED_OVER("HandedOver"),
    /** Deposited connections that could not be read (ended with ECONNRESET). */
    HANDOVER_FAILED("HandoverFailed"),

    // ---- sends that failed ---------------------------------------------------------------------------
    /** No IPv4 layer was running. */
    NO_IPV4("NoIpv4"),
    /** IPv4 refused a segment (no route, interface down). */
    OUT_FAILED("OutFailed"),

    // ---- loss recovery (RFC 5681 3.2, RFC 6582) ---------------------------------------------------------
    /** Fast retransmits on the third duplicate ACK (Linux TCPFastRetrans). */
    FAST_RETRANSMITS("TCPFastRetrans"),
    /** Partial ACKs in NewReno recovery, each answered with a retransmission. */
    PARTIAL_ACKS("TCPPartialAcks"),
    /** Fast recoveries ended by a retransmission timeout (Linux TCPLossFailures). */
    RECOVERY_TIMEOUTS("TCPLossFailures"),
    /** NewReno fast recoveries entered (a connection without SACK; Linux TCPRenoRecovery). */
    RENO_RECOVERY("TCPRenoRecovery"),

    // ---- SACK (RFC 2018, RFC 6675), as Linux names them ---------------------------------------------------
    /** SACK-based recoveries entered (RFC 6675 5 step 4; Linux TCPSackRecovery). */
    SACK_RECOVERY("TCPSackRecovery"),
    /** SACK recoveries ended by a retransmission timeout (Linux TCPSackFailures). */
    SACK_FAILURES("TCPSackFailures"),
    /** SND.UNA landed on SACKed data: the peer discarded what it SACKed (RFC 2018 8; Linux TCPSACKReneging). */
    SACK_RENEGING("TCPSACKReneging"),
    /** Scoreboard ranges merged with a new SACK block (Linux TCPSackMerged). */
    SACK_MERGED("TCPSackMerged"),
    /** SACK blocks ignored as invalid: outside SND.UNA..SND.MAX or empty (Linux TCPSACKDiscard). */
    SACK_DISCARD("TCPSACKDiscard"),
    /** D-SACK blocks received (RFC 2883; Linux TCPDSACKRecv): reported, not used. */
    DSACK_RECV("TCPDSACKRecv"),
    /** A SACK range forgotten because the scoreboard was full (Strata's; Linux bounds by memory instead). */
    SACK_SCOREBOARD_FULL("TCPSackScoreboardFull"),

    // ---- RACK-TLP (RFC 8985), as Linux names them ------------------------------------------------------------
    /** Tail loss probes sent (Linux TCPLossProbes). */
    LOSS_PROBES("TCPLossProbes"),
    /** Probe retransmissions that repaired a loss, cwnd reduced once (RFC 8985 7.4; Linux TCPLossProbeRecovery). */
    LOSS_PROBE_RECOVERY("TCPLossProbeRecovery"),
    /** Retransmissions RACK found lost (Linux TCPLostRetransmit). */
    LOST_RETRANSMIT("TCPLostRetransmit"),

    // ---- keep-alive (RFC 1122 4.2.3.6) ------------------------------------------------------------------
    /** Keep-alive probes sent (Linux TCPKeepAlive). */
    KEEPALIVE_PROBES("TCPKeepAlive"),
    /** Connections reset after TCP_KEEPCNT unanswered probes (Linux TCPAbortOnTimeout's keep-alive share). */
    KEEPALIVE_TIMEOUTS("TCPKeepAliveTimeouts");

    private final String label;

    TcpStatistic(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
