package dev.strata.tcp;

/**
 * The eleven connection states of RFC 9293 3.3.2, named as netstat prints them (with an
 * underscore where the RFC has a hyphen).
 */
enum TcpState {
    CLOSED,
    LISTEN,
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT;

    /** States in which the peer's SYN has been accepted and RCV.NXT is meaningful. */
    boolean synchronized_() {
        return ordinal() >= SYN_RECEIVED.ordinal();
    }

    /** States after our FIN was queued (CLOSE or shutdown): no more data may be written. */
    boolean finQueued() {
        return this == FIN_WAIT_1 || this == FIN_WAIT_2 || this == CLOSING || this == LAST_ACK || this == TIME_WAIT;
    }

    /** States that count in CurrEstab (RFC 4022 tcpCurrEstab: ESTABLISHED and CLOSE-WAIT). */
    boolean countsAsEstablished() {
        return this == ESTABLISHED || this == CLOSE_WAIT;
    }

    /** States in which received data is still delivered (RFC 9293 3.10.7.4, seventh step). */
    boolean receivesData() {
        return this == ESTABLISHED || this == FIN_WAIT_1 || this == FIN_WAIT_2;
    }
}
