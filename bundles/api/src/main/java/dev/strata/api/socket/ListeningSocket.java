package dev.strata.api.socket;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/** A passive TCP socket ({@code listen(2)} and {@code accept(2)}). */
@ProviderType
public interface ListeningSocket extends NetSocket {

    /**
     * Starts listening with an accept queue of {@code backlog} connections; binds to an
     * ephemeral port first if unbound.
     *
     * @throws NetSocketException EPROTONOSUPPORT while TCP is not running, EADDRINUSE
     */
    void listen(int backlog) throws NetSocketException;

    /** Takes the next established connection: waits in blocking mode, EAGAIN otherwise. */
    StreamSocket accept() throws NetSocketException;

    CompletionStage<StreamSocket> acceptAsync();
}
