package dev.strata.itest.support;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A copy of the built distribution serving HTTP over its TAP, with the kernel's side of the
 * TAP in a namespace of its own: for the tests that drive Strata's HTTP server with the
 * kernel's clients (curl, wrk, ab, Chromium).
 *
 * <p>Why a copy: the static files are served from the distribution's {@code www/}, and these
 * tests add their own files there (a 50 MB random file among them). Writing into
 * {@code distribution/target/strata/www} would leave them in the build's distribution, so the
 * whole distribution (a few MB of jars) is copied to {@code workDir/strata} with
 * {@link StrataProcess#copyDistribution}, the files are written into the copy's {@code www/}
 * before it starts, and the copy runs with its working directory at its own home.
 */
public final class HttpOnTap implements AutoCloseable {

    private final Path home;
    private final StrataProcess strata;
    private final NetNs netns;
    private final String stack;

    private HttpOnTap(Path home, StrataProcess strata, NetNs netns, String stack) {
        this.home = home;
        this.strata = strata;
        this.netns = netns;
        this.stack = stack;
    }

    /**
     * Copies the distribution to {@code workDir/strata}, lets {@code fillWww} write into its
     * {@code www/}, starts it, opens TAP {@code tap} with {@code stack/24} in a new namespace
     * named {@code namespacePrefixN} whose kernel side gets {@code kernel/24}, and waits until
     * {@code curl http://stack/} answers 200 from the namespace.
     */
    public static HttpOnTap start(Path workDir, String namespacePrefix, String tap, String stack, String kernel,
            Consumer<Path> fillWww) {
        Path home = StrataProcess.copyDistribution(workDir.resolve("strata"));
        try {
            Files.createDirectories(home.resolve("www"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        fillWww.accept(home.resolve("www"));
        StrataProcess strata = StrataProcess.start(home, workDir.resolve("data"));
        NetNs netns = null;
        try {
            netns = NetNs.create(namespacePrefix);
            // no IPv6 on the kernel side: only the frames the test causes cross the TAP
            netns.exec(10, "sysctl", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            netns.exec(10, "sysctl", "-w", "net.ipv6.conf.default.disable_ipv6=1");
            netns.exec(10, "ip", "link", "set", "lo", "up").orFail();
            Exec.Result up = strata.client("ifconfig " + tap + " " + stack + "/24 netns " + netns.name() + " up");
            assertEquals("ifconfig ... netns " + netns.name() + " up: " + up, 0, up.exitCode);
            netns.exec(10, "ip", "addr", "add", kernel + "/24", "dev", tap).orFail();
            netns.exec(10, "ip", "link", "set", tap, "up").orFail();
            HttpOnTap http = new HttpOnTap(home, strata, netns, stack);
            http.awaitStatusPage(30);
            return http;
        } catch (RuntimeException | Error e) {
            strata.close();
            if (netns != null) {
                netns.close();
            }
            throw e;
        }
    }

    private void awaitStatusPage(long seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Exec.Result last;
        do {
            last = netns.exec(10, "curl", "-sS", "-m", "3", "-o", "/dev/null", "-w", "%{http_code}", url("/"));
            if (last.succeeded() && last.output.trim().equals("200")) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the status page never answered 200 within " + seconds + " s: " + last + "\nbin/strata's output:\n"
                + strata.log());
    }

    /** {@code http://STACK/path}. */
    public String url(String path) {
        return "http://" + stack + path;
    }

    public Path home() {
        return home;
    }

    public Path www() {
        return home.resolve("www");
    }

    public StrataProcess strata() {
        return strata;
    }

    public NetNs netns() {
        return netns;
    }

    /** Runs a command in the kernel's side of the TAP. */
    public Exec.Result exec(long timeoutSeconds, String... command) {
        return netns.exec(timeoutSeconds, command);
    }

    /**
     * Writes {@code bytes} of seeded pseudo-random data (incompressible, reproducible) to
     * {@code file} and returns its SHA-256 in hex.
     */
    public static String writeRandomFile(Path file, long bytes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (long written = 0; written < bytes; written += chunk.length) {
                int n = (int) Math.min(chunk.length, bytes - written);
                random.nextBytes(chunk);
                sha.update(chunk, 0, n);
                out.write(chunk, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code bytes} of ASCII text, a sentence repeated, to {@code file}. */
    public static void writeTextFile(Path file, int bytes) {
        StringBuilder text = new StringBuilder();
        while (text.length() < bytes) {
            text.append("Strata serves this file from www/ over its own TCP.\n");
        }
        try {
            Files.writeString(file, text.substring(0, bytes), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 of a file, in hex. */
    public static String sha256(Path file) {
        try (var in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[1 << 20];
            for (int n; (n = in.read(chunk)) > 0;) {
                sha.update(chunk, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops Strata (SIGTERM, then kill) and deletes the namespace. */
    @Override
    public void close() {
        try {
            strata.close();
        } finally {
            netns.close();
        }
    }
}
