package dev.strata.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import dev.strata.api.time.Cancellable;
import dev.strata.api.time.Scheduler;

/**
 * The stack's clock and timers: one daemon thread, {@code strata-timer}, runs every
 * protocol timer. A task that throws is logged and the thread goes on.
 */
@Component(service = Scheduler.class)
public final class SystemScheduler implements Scheduler {

    private static final Logger LOG = System.getLogger(SystemScheduler.class.getName());

    private final ScheduledThreadPoolExecutor executor;

    @Activate
    public SystemScheduler() {
        executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "strata-timer");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Deactivate
    void deactivate() {
        executor.shutdownNow();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        if (executor.isShutdown()) {
            return () -> { };
        }
        ScheduledFuture<?> future = executor.schedule(() -> runSafely(task), delay, unit);
        return () -> future.cancel(false);
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (Throwable failure) {
            LOG.log(Level.ERROR, "timer task failed: " + task, failure);
        }
    }
}
