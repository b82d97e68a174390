package dev.strata.services;

/**
 * What {@link BuiltinServices} runs, from its configuration.
 *
 * @param echoUdp run echo over UDP
 * @param discardUdp run discard over UDP
 * @param echoPort echo's port (7)
 * @param discardPort discard's port (9)
 */
record ServiceSettings(boolean echoUdp, boolean discardUdp, int echoPort, int discardPort) {

    /** The defaults: both services on their well-known ports. */
    static final ServiceSettings DEFAULTS = new ServiceSettings(true, true, BuiltinServices.ECHO_PORT, BuiltinServices.DISCARD_PORT);

    static ServiceSettings of(BuiltinServices.Config config) {
        return new ServiceSettings(config.echoUdp(), config.discardUdp(), config.echoPort(), config.discardPort());
    }
}
