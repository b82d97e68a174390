package dev.strata.api.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A set of counters named by an enum (packets in and out, and every drop reason of a
 * layer), cheap to bump from any thread: one array slot per constant, no allocation.
 *
 * @param <E> the enum naming the counters
 */
public final class Counters<E extends Enum<E>> implements StatisticsProvider {

    private final String protocol;
    private final E[] names;
    private final AtomicLongArray values;

    public Counters(String protocol, Class<E> type) {
        this.protocol = protocol;
        this.names = type.getEnumConstants();
        this.values = new AtomicLongArray(names.length);
    }

    public void increment(E counter) {
        values.incrementAndGet(counter.ordinal());
    }

    public void add(E counter, long delta) {
        values.addAndGet(counter.ordinal(), delta);
    }

    public long get(E counter) {
        return values.get(counter.ordinal());
    }

    @Override
    public String protocol() {
        return protocol;
    }

    /** Every counter by its enum constant's {@code toString()}, in declaration order. */
    @Override
    public Map<String, Long> counters() {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        for (E name : names) {
            snapshot.put(name.toString(), values.get(name.ordinal()));
        }
        return snapshot;
    }
}
