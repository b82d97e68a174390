package dev.strata.api.time;

import java.util.concurrent.TimeUnit;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The clock and timers every protocol uses (ARP ageing, reassembly timeouts, and later
 * retransmission and TIME_WAIT). The service runs tasks on its own thread; tests use
 * {@link ManualScheduler} and advance time by hand, so timeouts take no real time.
 */
@ProviderType
public interface Scheduler {

    /** Monotonic time in nanoseconds (comparable only with itself). */
    long nanoTime();

    /** Wall-clock time in milliseconds since the epoch. */
    long currentTimeMillis();

    /** Runs {@code task} once after {@code delay}. A task must not block; exceptions are logged and swallowed. */
    Cancellable schedule(Runnable task, long delay, TimeUnit unit);
}
