package dev.strata.api.time;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} whose time moves only when {@link #advance} is called: deterministic
 * timers for tests. Tasks due within an advance run in time order, on the caller's thread.
 */
public final class ManualScheduler implements Scheduler {

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long sequence;

    public ManualScheduler() {
        this(0);
    }

    public ManualScheduler(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized long currentTimeMillis() {
        return TimeUnit.NANOSECONDS.toMillis(now);
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        Task scheduled = new Task(now + Math.max(0, unit.toNanos(delay)), sequence++, task);
        queue.add(scheduled);
        return () -> {
            synchronized (ManualScheduler.this) {
                queue.remove(scheduled);
            }
        };
    }

    /** Moves time forward by {@code amount}, running every task that falls due, in order. */
    public void advance(long amount, TimeUnit unit) {
        long target;
        synchronized (this) {
            target = now + unit.toNanos(amount);
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                queue.poll();
                now = next.due;
            }
            next.task.run();
        }
    }

    /** Tasks scheduled and not yet run or cancelled. */
    public synchronized int pending() {
        return queue.size();
    }

    private record Task(long due, long sequence, Runnable task) implements Comparable<Task> {
        @Override
        public int compareTo(Task other) {
            int byDue = Long.compare(due, other.due);
            return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
        }
    }
}
