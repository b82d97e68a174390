package dev.strata.itest.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Linux network namespace a test creates and deletes itself (SPEC section 6): named
 * {@code strata-test-N}, used only with addresses from 198.18.0.0/15, so that nothing the test
 * does reaches the host's interfaces or routes.
 */
public final class NetNs implements AutoCloseable {

    private final String name;
    private boolean deleted;

    private NetNs(String name) {
        this.name = name;
    }

    /** Creates a namespace under a name no other namespace has (N derives from this JVM's pid). */
    public static NetNs create() {
        return create("strata-test-");
    }

    /**
     * As {@link #create()}, named {@code prefixN}: for tests that run beside other engineers'
     * and must keep to a name prefix of their own.
     */
    public static NetNs create(String prefix) {
        long base = ProcessHandle.current().pid() % 100_000;
        for (int attempt = 0; attempt < 100; attempt++) {
            String name = prefix + (base * 100 + attempt);
            if (Exec.run(10, "ip", "netns", "add", name).succeeded()) {
                return new NetNs(name);
            }
        }
        throw new AssertionError("cannot create a network namespace " + prefix + "N: "
                + Exec.run(10, "ip", "netns", "add", prefix + "probe"));
    }

    public String name() {
        return name;
    }

    /** Runs a command inside the namespace. */
    public Exec.Result exec(long timeoutSeconds, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return Exec.run(full, Map.of(), timeoutSeconds);
    }

    /** Deletes the namespace (and with it any device still in it); safe to call twice. */
    @Override
    public void close() {
        if (!deleted) {
            deleted = true;
            Exec.run(10, "ip", "netns", "del", name);
        }
    }
}
