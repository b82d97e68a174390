package dev.strata.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import dev.strata.itest.support.Exec;
import dev.strata.itest.support.NetNs;
import dev.strata.itest.support.Prerequisites;
import dev.strata.itest.support.StrataProcess;

/**
 * The distribution's run-time directories (SPEC section 2): an interface and a route
 * described by files in {@code etc/} come up at start and follow the files as they change,
 * and a bundle dropped into {@code deploy/} is installed and started, and uninstalled when
 * removed. Runs on a copy of the distribution, so the files it writes never reach the other
 * tests.
 */
public class DistributionConfigIT {

    private static final String TAP = "strata0";

    private Path home;
    private StrataProcess strata;
    private NetNs netns;

    @Before
    public void copyTheDistributionAndMakeANamespace() {
        Prerequisites.kernel();
        Path itDir = Path.of(System.getProperty("strata.it.dir", "target/it")).toAbsolutePath();
        home = StrataProcess.copyDistribution(itDir.resolve("config-dist"));
        netns = NetNs.create();
        netns.exec(10, "sysctl", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        netns.exec(10, "sysctl", "-w", "net.ipv6.conf.default.disable_ipv6=1");
    }

    @After
    public void stopAndClean() {
        try {
            if (strata != null) {
                strata.close();
            }
        } finally {
            if (netns != null) {
                netns.close();
            }
        }
    }

    @Test
    public void anInterfaceFromEtcComesUpAtStartAndGoesWithItsFile() throws Exception {
        Path cfg = home.resolve("etc/dev.strata.interface-" + TAP + ".cfg");
        Files.writeString(cfg, "name=" + TAP + "\naddress=198.18.0.2/24\nnetns=" + netns.name() + "\n");

        strata = StrataProcess.start(home, home.resolve("data"));

        awaitTrue("the TAP device of etc/" + cfg.getFileName() + " appears in the namespace",
                () -> netns.exec(10, "ip", "link", "show", TAP).succeeded());
        netns.exec(10, "ip", "addr", "add", "198.18.0.1/24", "dev", TAP).orFail();
        netns.exec(10, "ip", "link", "set", TAP, "up").orFail();
        Exec.Result ping = netns.exec(30, "ping", "-c", "3", "-i", "0.2", "-W", "2", "198.18.0.2");
        assertTrue(ping.toString(), ping.output.contains("3 packets transmitted, 3 received, 0% packet loss"));
        assertTrue(strata.client("ifconfig " + TAP).output.contains("inet 198.18.0.2  netmask 255.255.255.0"));

        // A route file dropped in at run time: FileInstall hands it to ConfigAdmin within seconds.
        Files.writeString(home.resolve("etc/dev.strata.route-default.cfg"), "destination=default\ngateway=198.18.0.1\n");
        awaitTrue("the default route of etc/dev.strata.route-default.cfg",
                () -> strata.client("route").output.lines()
                        .anyMatch(line -> line.matches("0\\.0\\.0\\.0\\s+198\\.18\\.0\\.1\\s+0\\.0\\.0\\.0\\s+UG\\s.*" + TAP)));

        // Removing the interface's file takes the interface down and releases the TAP device.
        Files.delete(cfg);
        awaitTrue("the TAP device is released once its file is gone",
                () -> !netns.exec(10, "ip", "link", "show", TAP).succeeded());
        assertFalse(strata.client("ifconfig").output.contains(TAP + ":"));
    }

    @Test
    public void aBundleDroppedIntoDeployIsInstalledAndStartedAndGoesWithItsFile() throws Exception {
        strata = StrataProcess.start(home, home.resolve("data"));
        Path jar = home.resolve("deploy/hello.jar");
        writeManifestOnlyBundle(jar, "dev.strata.itest.hello", "1.2.3");

        awaitTrue("the bundle in deploy/ is listed ACTIVE by lb",
                () -> strata.client("lb").output.lines().anyMatch(line -> line.matches(".*\\|Active\\s*\\|.*dev\\.strata\\.itest\\.hello.*")
                        || line.matches(".*Active.*hello.*1\\.2\\.3.*")));

        Files.delete(jar);
        awaitTrue("the bundle is uninstalled once its file is gone",
                () -> !strata.client("lb").output.contains("1.2.3"));
    }

    /** A bundle with nothing but a manifest: it resolves anywhere. */
    private static void writeManifestOnlyBundle(Path jar, String symbolicName, String version) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        main.putValue("Bundle-Name", "hello");
        Path partial = jar.resolveSibling(jar.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(partial); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            jarOut.flush();
        }
        // FileInstall must never see half a jar: write aside, then rename into place.
        Files.move(partial, jar, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        assertEquals(what, true, condition.getAsBoolean());
    }
}
