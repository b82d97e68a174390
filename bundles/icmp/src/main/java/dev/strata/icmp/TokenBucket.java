package dev.strata.icmp;

import dev.strata.api.time.Scheduler;

/**
 * A token bucket on the {@link Scheduler}'s clock, as Linux limits the ICMP errors it sends
 * (icmp_global_allow: {@code net.ipv4.icmp_msgs_per_sec} = 1000 sustained, bursts of
 * {@code icmp_msgs_burst} = 50). RFC 1122 3.2.2 lets a host limit the rate of errors; RFC
 * 1812 4.3.2.8 recommends a token bucket. Tokens are kept in fixed point (1e9 units per
 * token) so refilling needs no floating point and no allocation.
 */
final class TokenBucket {

    private static final long UNIT = 1_000_000_000L;

    private final Scheduler clock;
    private final long ratePerSecond;
    private final long capacity;
    /** Time after which an empty bucket is full again; caps the elapsed time so the product cannot overflow. */
    private final long fillNanos;
    private long tokens;
    private long last;

    /**
     * @param ratePerSecond tokens added per second; 0 or less disables the limit
     * @param burst the bucket's size, at least 1
     */
    TokenBucket(Scheduler clock, long ratePerSecond, long burst) {
        this.clock = clock;
        this.ratePerSecond = ratePerSecond;
        this.capacity = Math.max(1, burst) * UNIT;
        this.fillNanos = ratePerSecond > 0 ? (capacity + ratePerSecond - 1) / ratePerSecond : 0;
        this.tokens = capacity;
        this.last = clock.nanoTime();
    }

    /** Takes a token if there is one. */
    synchronized boolean tryAcquire() {
        if (ratePerSecond <= 0) {
            return true;
        }
        long now = clock.nanoTime();
        long elapsed = now - last;
        last = now;
        if (elapsed >= fillNanos) {
            tokens = capacity;
        } else if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * ratePerSecond);
        }
        if (tokens >= UNIT) {
            tokens -= UNIT;
            return true;
        }
        return false;
    }
}
