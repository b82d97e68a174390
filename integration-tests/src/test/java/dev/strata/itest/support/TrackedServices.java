package dev.strata.itest.support;

import static org.junit.Assert.assertNotNull;

import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The services a Pax Exam test uses, each held by an open tracker until the test ends: a test
 * keeps one of these, gets services with {@link #await}, and closes it in its {@code @After}.
 */
public final class TrackedServices implements AutoCloseable {

    /** How long a test waits for a service to appear. */
    public static final long WAIT_MS = 10_000;

    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    /** The service of {@code type}, waiting up to {@link #WAIT_MS} for it; fails the test if none comes. */
    public <T> T await(BundleContext context, Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = track(context, type);
        T service = tracker.waitForService(WAIT_MS);
        assertNotNull("no " + type.getName() + " service within " + WAIT_MS + " ms", service);
        return service;
    }

    /** An open tracker of every service of {@code type} (or of the filter's), closed with this. */
    public <T> ServiceTracker<T, T> track(BundleContext context, Class<T> type) {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        trackers.add(tracker);
        return tracker;
    }

    /** Keeps an already open tracker until {@link #close}. */
    public <T> ServiceTracker<T, T> hold(ServiceTracker<T, T> tracker) {
        trackers.add(tracker);
        return tracker;
    }

    /** Closes every tracker (the services are released). */
    @Override
    public void close() {
        for (ServiceTracker<?, ?> tracker : trackers) {
            tracker.close();
        }
        trackers.clear();
    }
}
