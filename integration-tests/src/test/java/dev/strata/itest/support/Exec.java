package dev.strata.itest.support;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a timeout; standard error is merged into the output. */
public final class Exec {

    private Exec() {
    }

    /** What a command did: its exit status and its output (stdout and stderr, interleaved). */
    public static final class Result {
        public final List<String> command;
        public final int exitCode;
        public final String output;

        Result(List<String> command, int exitCode, String output) {
            this.command = command;
            this.exitCode = exitCode;
            this.output = output;
        }

        public boolean succeeded() {
            return exitCode == 0;
        }

        /** Throws with the whole output unless the command succeeded. */
        public Result orFail() {
            if (exitCode != 0) {
                throw new AssertionError(this.toString());
            }
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode + "\n" + output;
        }
    }

    public static Result run(long timeoutSeconds, String... command) {
        return run(List.of(command), Map.of(), timeoutSeconds);
    }

    public static Result run(List<String> command, Map<String, String> environment, long timeoutSeconds) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(new File("/dev/null"));
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            Thread pump = new Thread(() -> copy(process.getInputStream(), output), "exec-output");
            pump.setDaemon(true);
            pump.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                pump.join(1000);
                throw new AssertionError(String.join(" ", command) + ": no exit within " + timeoutSeconds + " s; output so far:\n"
                        + output.toString(StandardCharsets.UTF_8));
            }
            pump.join(5000);
            return new Result(command, process.exitValue(), output.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] chunk = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                synchronized (out) {
                    out.write(chunk, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the process went away
        }
    }
}
