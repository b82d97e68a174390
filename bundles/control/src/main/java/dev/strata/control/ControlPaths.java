package dev.strata.control;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the control socket lives; shared by the server and the client, and free of OSGi types so
 * that {@link Client} runs on a plain class path.
 */
final class ControlPaths {

    /** Framework or system property naming the run-time data directory (set by {@code bin/strata}). */
    static final String DATA_PROPERTY = "strata.data";
    /** The socket's file name inside the data directory. */
    static final String SOCKET_NAME = "control.sock";

    private ControlPaths() {
    }

    /** {@code DATA/control.sock}, with {@code data} (relative to the working directory) by default. */
    static Path socketPath(String dataDirectory) {
        String data = dataDirectory == null || dataDirectory.isBlank() ? "data" : dataDirectory;
        return Paths.get(data).toAbsolutePath().normalize().resolve(SOCKET_NAME);
    }
}
