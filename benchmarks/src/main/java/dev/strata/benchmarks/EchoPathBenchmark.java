package dev.strata.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-packet cost of the receive path: an Ethernet frame carrying an ICMP echo request in,
 * the echo reply out, through the real Ethernet, IPv4, ICMP and ARP layers. Run with
 * {@code -prof gc} to see allocations per packet ({@code gc.alloc.rate.norm}).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar EchoPath -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EchoPathBenchmark {

    private EchoPath path;

    @Setup
    public void setUp() {
        path = new EchoPath();
    }

    /** One frame in, one reply frame out. */
    @Benchmark
    public long echoRequestToReply() {
        return path.echo();
    }

    /** The part of the above that is not the stack: copying the frame into a pooled buffer and releasing it. */
    @Benchmark
    public long copyIntoPooledBufferOnly() {
        return path.copyOnly();
    }
}
