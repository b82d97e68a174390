package dev.strata.http;

import java.util.Arrays;
import java.util.Comparator;

import dev.strata.api.http.HttpHandler;

/**
 * The whiteboard: the handlers registered as services, each under its path prefix or exact path
 * ({@link HttpHandler#MATCH}). An exact path wins over every prefix; among prefixes the longest. Registration
 * and removal copy a small array (rare, any thread); lookup (every request, the server thread)
 * reads the current array without locking: a handler registered is served by the next request,
 * one unregistered is not.
 */
final class HandlerRegistry {

    /**
     * A handler under its prefix (or exact path); {@code order} breaks ties between equal paths
     * (first registered wins).
     */
    record Entry(String prefix, boolean exact, boolean blocking, HttpHandler handler, long order) {
        boolean covers(String path) {
            return exact ? path.equals(prefix) : matches(prefix, path);
        }
    }

    /** Exact paths first, then the longest prefix, then the first registered. */
    private static final Comparator<Entry> LONGEST_FIRST = Comparator.comparing((Entry e) -> !e.exact())
            .thenComparingInt(e -> -e.prefix().length()).thenComparingLong(Entry::order);

    private volatile Entry[] entries = new Entry[0];
    private long registrations;

    /**
     * Adds {@code handler} under {@code prefix}, or at that path only when {@code exact}.
     *
     * @return false when the prefix is not an absolute path (it does not start with '/')
     */
    synchronized boolean add(String prefix, boolean exact, HttpHandler handler) {
        return add(prefix, exact, false, handler);
    }

    /** As {@link #add(String, boolean, HttpHandler)}; a {@code blocking} handler runs on a worker thread. */
    synchronized boolean add(String prefix, boolean exact, boolean blocking, HttpHandler handler) {
        if (prefix == null || !prefix.startsWith("/")) {
            return false;
        }
        Entry[] copy = Arrays.copyOf(entries, entries.length + 1);
        copy[copy.length - 1] = new Entry(prefix, exact, blocking, handler, registrations++);
        Arrays.sort(copy, LONGEST_FIRST);
        entries = copy;
        return true;
    }

    /** Removes every registration of {@code handler}. */
    synchronized void remove(HttpHandler handler) {
        entries = Arrays.stream(entries).filter(e -> e.handler() != handler).toArray(Entry[]::new);
    }

    /** The handler registered at exactly {@code path}, else the one of the longest prefix matching it, or null. */
    HttpHandler find(String path) {
        Entry e = entry(path);
        return e == null ? null : e.handler();
    }

    /** The registration serving {@code path} (exact, else the longest prefix), or null. */
    Entry entry(String path) {
        for (Entry e : entries) {
            if (e.covers(path)) {
                return e;
            }
        }
        return null;
    }

    int size() {
        return entries.length;
    }

    /**
     * Whether {@code prefix} covers {@code path} on a segment boundary: "/hello" covers "/hello" and
     * "/hello/x", not "/helloworld"; a prefix ending in '/' covers everything under it.
     */
    static boolean matches(String prefix, String path) {
        if (!path.startsWith(prefix)) {
            return false;
        }
        return path.length() == prefix.length() || prefix.endsWith("/") || path.charAt(prefix.length()) == '/';
    }
}
