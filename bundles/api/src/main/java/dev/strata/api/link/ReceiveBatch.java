package dev.strata.api.link;

/**
 * The frames a link's reader thread hands up in one go, as Linux's NAPI poll (a driver
 * delivers up to its budget of frames, then GRO flushes): work that is worth doing once per
 * batch rather than once per frame waits for the batch's end. A transport defers there what
 * GRO's merging saves Linux: one acknowledgment for the in-order segments of a batch instead
 * of one per two segments, and one wake-up of the application for all the data that came
 * (sk_data_ready per merged segment).
 *
 * <p>Per thread: a link's reader calls {@link #begin()} before it drains its device and
 * {@link #end()} after (in a {@code finally}); layers above ask {@link #active()} and
 * {@link #defer} a task, which {@link #end()} runs on the same thread. Without a batch (a
 * link that does not use it, a timer, an application thread) {@link #defer} runs the task at
 * once, so nothing depends on links using it. Nothing is allocated per frame: the tasks are
 * the callers' own (allocated once), kept in an array that grows only with the number of
 * distinct tasks in one batch.
 */
public final class ReceiveBatch {

    private static final ThreadLocal<ReceiveBatch> CURRENT = ThreadLocal.withInitial(ReceiveBatch::new);

    private Runnable[] deferred = new Runnable[16];
    private int count;
    private int depth;

    private ReceiveBatch() {
    }

    /** The calling thread's batch. */
    public static ReceiveBatch current() {
        return CURRENT.get();
    }

    /** A batch starts (batches nest: only the outermost end runs the tasks). */
    public void begin() {
        depth++;
    }

    /** Whether a batch is open on this thread. */
    public boolean active() {
        return depth > 0;
    }

    /**
     * Runs {@code task} when the batch ends, or now when none is open. The caller defers a
     * task once per batch (it keeps its own flag); a task deferred twice runs twice.
     */
    public void defer(Runnable task) {
        if (depth == 0) {
            task.run();
            return;
        }
        if (count == deferred.length) {
            Runnable[] grown = new Runnable[count * 2];
            System.arraycopy(deferred, 0, grown, 0, count);
            deferred = grown;
        }
        deferred[count++] = task;
    }

    /** The batch ends: the deferred tasks run, in the order deferred; one that throws does not stop the others. */
    public void end() {
        if (depth == 0) {
            return;
        }
        if (--depth > 0) {
            return;
        }
        for (int i = 0; i < count; i++) {
            Runnable task = deferred[i];
            deferred[i] = null;
            try {
                task.run();
            } catch (RuntimeException e) {
                // a layer's failure must not reach the link's reader thread
            }
        }
        count = 0;
    }
}
