package dev.strata.api.time;

/** A scheduled task that has not run yet can be cancelled. */
@FunctionalInterface
public interface Cancellable {

    /** Cancels the task if it has not started; harmless afterwards. */
    void cancel();
}
