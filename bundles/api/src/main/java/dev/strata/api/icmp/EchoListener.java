package dev.strata.api.icmp;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives the outcome of an {@link EchoSession}'s requests, on the stack's receive thread; must not block. */
@ConsumerType
public interface EchoListener {

    /**
     * An echo reply arrived.
     *
     * @param from the replying address
     * @param sequence the reply's sequence number
     * @param ttl the TTL of the reply's IP header
     * @param bytes the ICMP message length (header and data), as iputils prints it
     * @param rttNanos the round trip time
     */
    void reply(int from, int sequence, int ttl, int bytes, long rttNanos);

    /**
     * An ICMP error arrived about one of this session's requests.
     *
     * @param from the address that sent the error
     */
    default void error(int from, int sequence, int type, int code) {
    }
}
