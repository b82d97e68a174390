package dev.strata.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.strata.api.transport.StreamOptions;
import dev.strata.tcp.BulkLoopback;

/**
 * An established bulk transfer between two whole TCP stacks in memory (BulkLoopback: a
 * lossless zero-delay link, MSS 1460, both directions' segments, data and ACKs, through the
 * real send and receive paths, checksums included). Each operation moves 1 MiB from one
 * application to the other; the auxiliary counters give segments/s and bytes/s.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar TcpBulk -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TcpBulkBenchmark {

    private static final long CHUNK = 1 << 20;

    /** {@code fixed}: the 128 KB / 16 KB defaults; {@code auto}: AUTOMATIC buffers, auto-tuned. */
    @Param({"fixed", "auto"})
    public String buffers;

    private BulkLoopback loop;

    /** Segments and bytes moved per second of the measurement. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Moved {
        public long segments;
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            segments = 0;
            bytes = 0;
        }
    }

    @Setup
    public void setUp() throws Exception {
        loop = new BulkLoopback("auto".equals(buffers) ? StreamOptions.AUTOTUNED : StreamOptions.DEFAULTS);
        loop.transfer(16 * CHUNK);
    }

    /** One MiB from B's application to A's. */
    @Benchmark
    public long mebibyte(Moved moved) throws Exception {
        long segments = loop.transfer(CHUNK);
        moved.segments += segments;
        moved.bytes += CHUNK;
        return segments;
    }
}
