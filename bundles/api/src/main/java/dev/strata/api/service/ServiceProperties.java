package dev.strata.api.service;

import java.util.Map;

/**
 * Reading the demultiplexing keys layers register their handlers with
 * ({@code strata.ethertype}, {@code strata.ip.protocol}): an Integer as the API asks, but also
 * any other number or text ({@code "0x0806"}, {@code "6"}) that a configuration file or a
 * hand-written registration may give.
 */
public final class ServiceProperties {

    private ServiceProperties() {
    }

    /**
     * The property {@code key} of {@code properties} as an int from 0 to {@code max}, or -1
     * when it is missing, malformed or out of range (the handler can never be reached then).
     */
    public static int intInRange(Map<String, ?> properties, String key, int max) {
        Object value = properties == null ? null : properties.get(key);
        long number;
        if (value instanceof Number given) {
            number = given.longValue();
        } else if (value instanceof String text) {
            try {
                number = Long.decode(text.trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        } else {
            return -1;
        }
        return number >= 0 && number <= max ? (int) number : -1;
    }
}
