package dev.strata.services;

/**
 * What {@link BuiltinServices} runs, from its configuration.
 *
 * @param echoUdp run echo over UDP
 * @param discardUdp run discard over UDP
 * @param echoTcp run echo over TCP
 * @param discardTcp run discard over TCP
 * @param echoPort echo's port (7), UDP and TCP
 * @param discardPort discard's port (9), UDP and TCP
 * @param chargenTcp run character generator (RFC 864) over TCP (off by default; never over UDP,
 *     where it would amplify a forged request)
 * @param chargenPort chargen's port (19)
 */
record ServiceSettings(boolean echoUdp, boolean discardUdp, boolean echoTcp, boolean discardTcp, int echoPort,
        int discardPort, boolean chargenTcp, int chargenPort) {

    /** Without chargen. */
    ServiceSettings(boolean echoUdp, boolean discardUdp, boolean echoTcp, boolean discardTcp, int echoPort, int discardPort) {
        this(echoUdp, discardUdp, echoTcp, discardTcp, echoPort, discardPort, false, BuiltinServices.CHARGEN_PORT);
    }

    /** The defaults: both services on both transports on their well-known ports. */
    static final ServiceSettings DEFAULTS = new ServiceSettings(true, true, true, true, BuiltinServices.ECHO_PORT,
            BuiltinServices.DISCARD_PORT);

    /** UDP only, on the given ports (the services before TCP). */
    static ServiceSettings udp(boolean echo, boolean discard, int echoPort, int discardPort) {
        return new ServiceSettings(echo, discard, false, false, echoPort, discardPort);
    }

    static ServiceSettings of(BuiltinServices.Config config) {
        return new ServiceSettings(config.echoUdp(), config.discardUdp(), config.echoTcp(), config.discardTcp(),
                config.echoPort(), config.discardPort(), config.chargenTcp(), config.chargenPort());
    }
}
