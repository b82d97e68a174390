package dev.strata.api.icmp;

import org.osgi.annotation.versioning.ProviderType;

/** ICMP echo (RFC 792) for {@code ping}: sessions with their own identifier. */
@ProviderType
public interface EchoService {

    /** Opens a session with a fresh identifier; replies and errors for it go to {@code listener}. */
    EchoSession open(EchoListener listener);
}
