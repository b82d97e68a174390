package dev.strata.itest.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The built distribution ({@code distribution/target/strata}) running headless as a child
 * process, with its own data directory, and {@code bin/client} to run commands in it.
 */
public final class StrataProcess implements AutoCloseable {

    private final Path home;
    private final Path data;
    private final Path log;
    private final Process process;

    private StrataProcess(Path home, Path data, Path log, Process process) {
        this.home = home;
        this.data = data;
        this.log = log;
        this.process = process;
    }

    /** The distribution of the reactor this test belongs to. */
    public static Path distribution() {
        String root = System.getProperty("strata.root");
        if (root == null) {
            throw new IllegalStateException("system property strata.root not set (run through Maven: mvn -B verify)");
        }
        Path home = Path.of(root, "distribution", "target", "strata").toAbsolutePath().normalize();
        if (!Files.isExecutable(home.resolve("bin/strata")) || !Files.isExecutable(home.resolve("bin/client"))) {
            throw new IllegalStateException("no built distribution at " + home + " (build the reactor first)");
        }
        return home;
    }

    /**
     * Starts {@code bin/strata} with stdin from /dev/null (headless) and STRATA_DATA set to a
     * fresh {@code dataDir}, and waits until {@code bin/client lb} and {@code bin/client ifconfig} answer.
     */
    public static StrataProcess start(Path dataDir) {
        return start(distribution(), dataDir);
    }

    /** As {@link #start(Path)}, from the distribution (or a copy of it) at {@code home}. */
    public static StrataProcess start(Path home, Path dataDir) {
        try {
            deleteRecursively(dataDir);
            Files.createDirectories(dataDir);
            Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/strata").toString())
                    .directory(home.toFile())
                    .redirectInput(new File("/dev/null"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("STRATA_DATA", dataDir.toString());
            StrataProcess strata = new StrataProcess(home, dataDir, log, builder.start());
            strata.awaitReady(60);
            return strata;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(long seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Exec.Result last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("bin/strata exited with " + process.exitValue() + "; its output:\n" + log());
            }
            // lb answers as soon as the control channel is up; the stack's commands register
            // a moment later (a test's first ifconfig once got "Command not found")
            last = client("lb");
            if (last.succeeded() && (last = client("ifconfig")).succeeded()) {
                return;
            }
            sleep(250);
        }
        throw new AssertionError("bin/client lb did not answer within " + seconds + " s: " + last + "\nbin/strata's output:\n" + log());
    }

    /** Runs one command line through {@code bin/client}. */
    public Exec.Result client(String commandLine) {
        return Exec.run(List.of(home.resolve("bin/client").toString(), commandLine), Map.of("STRATA_DATA", data.toString()), 120);
    }

    public Process process() {
        return process;
    }

    /** Sends SIGTERM and waits up to {@code seconds} for the exit; true if it exited. */
    public boolean terminate(long seconds) throws InterruptedException {
        process.destroy(); // SIGTERM: bin/strata execs the JVM, so the signal reaches Felix's shutdown hook
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** bin/strata's output so far. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Copies the distribution to {@code target} (replacing it), keeping the scripts executable. */
    public static Path copyDistribution(Path target) {
        Path home = distribution();
        try {
            deleteRecursively(target);
            try (var paths = Files.walk(home)) {
                for (Path source : (Iterable<Path>) paths::iterator) {
                    Path relative = home.relativize(source);
                    if (relative.startsWith("data")) {
                        continue;
                    }
                    Path copy = target.resolve(relative.toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.copy(source, copy, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
