package dev.strata.api.icmp;

import org.osgi.annotation.versioning.ProviderType;

import dev.strata.api.ipv4.SendResult;

/** One ping's worth of echo requests under one identifier. */
@ProviderType
public interface EchoSession extends AutoCloseable {

    /** The ICMP identifier of this session's requests. */
    int identifier();

    /**
     * Sends an echo request with {@code payloadSize} bytes of data (the ICMP payload; the
     * first 8 hold the send time, as iputils does) and the given TTL.
     */
    SendResult send(int destination, int sequence, int payloadSize, int ttl);

    /** Stops delivery to the listener; later replies are dropped. */
    @Override
    void close();
}
