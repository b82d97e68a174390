package dev.strata.itest.support;

import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the kernel tests need (root, /dev/net/tun). On a developer's machine without them the
 * tests are skipped, with the reason; where the environment variable
 * {@value #REQUIRED_VARIABLE} is {@code required} (.ci/run sets it) they fail instead, so that
 * CI can never pass by skipping the tests that matter most.
 */
public final class Prerequisites {

    public static final String REQUIRED_VARIABLE = "STRATA_KERNEL_TESTS";

    private Prerequisites() {
    }

    /** Root and /dev/net/tun, for network namespaces and TAP devices. */
    public static void kernel() {
        check("needs /dev/net/tun", Files.exists(Path.of("/dev/net/tun")));
        check("needs root (network namespaces, TAP devices)", "root".equals(System.getProperty("user.name")));
    }

    private static void check(String reason, boolean met) {
        if ("required".equals(System.getenv(REQUIRED_VARIABLE))) {
            assertTrue(reason + " (" + REQUIRED_VARIABLE + "=required)", met);
        } else {
            // A laptop without root or /dev/net/tun cannot run these: skip, with the reason.
            assumeTrue(reason, met);
        }
    }
}
