package dev.strata.http;

import java.util.Arrays;
import java.util.Comparator;

import dev.strata.api.http.HttpHandler;

/**
 * The whiteboard: the handlers registered as services, each under its path prefix. Registration
 * and removal copy a small array (rare, any thread); lookup (every request, the server thread)
 * reads the current array without locking: a handler registered is served by the next request,
 * one unregistered is not.
 */
final class HandlerRegistry {

    /** A handler under its prefix; {@code order} breaks ties between equal prefixes (first registered wins). */
    record Entry(String prefix, HttpHandler handler, long order) {
    }

    /** Longest prefix first, then first registered. */
    private static final Comparator<Entry> LONGEST_FIRST = Comparator
            .comparingInt((Entry e) -> -e.prefix().length()).thenComparingLong(Entry::order);

    private volatile Entry[] entries = new Entry[0];
    private long registrations;

    /**
     * Adds {@code handler} under {@code prefix}.
     *
     * @return false when the prefix is not an absolute path (it does not start with '/')
     */
    synchronized boolean add(String prefix, HttpHandler handler) {
        if (prefix == null || !prefix.startsWith("/")) {
            return false;
        }
        Entry[] copy = Arrays.copyOf(entries, entries.length + 1);
        copy[copy.length - 1] = new Entry(prefix, handler, registrations++);
        Arrays.sort(copy, LONGEST_FIRST);
        entries = copy;
        return true;
    }

    /** Removes every registration of {@code handler}. */
    synchronized void remove(HttpHandler handler) {
        entries = Arrays.stream(entries).filter(e -> e.handler() != handler).toArray(Entry[]::new);
    }

    /** The handler of the longest prefix matching {@code path}, or null. */
    HttpHandler find(String path) {
        for (Entry e : entries) {
            if (matches(e.prefix(), path)) {
                return e.handler();
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
