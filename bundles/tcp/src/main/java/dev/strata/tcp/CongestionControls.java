package dev.strata.tcp;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.strata.api.tcp.CongestionControl;
import dev.strata.api.tcp.CongestionControlFactory;

/**
 * The congestion control algorithms installed (factories by their {@code strata.tcp.cc}
 * name) and the default: a connection asking for no algorithm, or one that is not there, gets
 * the default ({@code cubic}), else {@code reno}, else the built-in Reno.
 */
final class CongestionControls {

    static final String DEFAULT = "cubic";

    private final Map<String, CongestionControlFactory> factories = new LinkedHashMap<>();
    private String defaultName = DEFAULT;

    synchronized void add(String name, CongestionControlFactory factory) {
        factories.put(name, factory);
    }

    /** Removes the factory if it is the one registered under {@code name}; true if it was. */
    synchronized boolean remove(String name, CongestionControlFactory factory) {
        return factories.remove(name, factory);
    }

    synchronized void defaultName(String name) {
        defaultName = name;
    }

    synchronized String defaultName() {
        return defaultName;
    }

    synchronized boolean installed(String name) {
        return factories.containsKey(name) || BuiltinReno.NAME.equals(name);
    }

    /** The name new connections get now, after the fallbacks of {@link #create}. */
    synchronized String effectiveDefault() {
        if (factories.containsKey(defaultName)) {
            return defaultName;
        }
        return BuiltinReno.NAME;
    }

    synchronized String[] names() {
        return factories.keySet().toArray(new String[0]);
    }

    /** A controller for {@code name} (null: the default), falling back as the class says. */
    CongestionControl create(String name) {
        CongestionControlFactory factory;
        synchronized (this) {
            factory = name == null ? null : factories.get(name);
            if (factory == null) {
                factory = factories.get(defaultName);
            }
            if (factory == null) {
                factory = factories.get(BuiltinReno.NAME);
            }
        }
        if (factory != null) {
            try {
                CongestionControl control = factory.create();
                if (control != null) {
                    return control;
                }
            } catch (RuntimeException e) {
                // a broken algorithm bundle must not break the connection: fall back
            }
        }
        return new BuiltinReno();
    }
}
