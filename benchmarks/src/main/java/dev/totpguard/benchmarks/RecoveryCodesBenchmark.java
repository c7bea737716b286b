package dev.totpguard.benchmarks;

import dev.totpguard.recovery.RecoveryCodes;
import java.util.ArrayList;
import java.util.List;
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
 * Recovery codes with the default settings (10 codes, PBKDF2-HMAC-SHA256 at
 * {@value RecoveryCodes#DEFAULT_ITERATIONS} iterations): generating a set of 10, and matching one typed
 * code against 10 stored hashes. {@link RecoveryCodes#match} derives every hash on purpose (no early exit),
 * so its cost is 10 PBKDF2 derivations whichever code is typed; it is paid only when a user has lost the
 * authenticator.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class RecoveryCodesBenchmark {

    private RecoveryCodes recoveryCodes;
    private List<String> hashes;
    private String typed;

    @Setup
    public void setUp() {
        recoveryCodes = RecoveryCodes.builder().build();
        List<String> codes = recoveryCodes.generate();
        hashes = new ArrayList<>(codes.size());
        for (String code : codes) {
            hashes.add(recoveryCodes.hash(code));
        }
        // The last code, typed in upper case with a space instead of the dash, as a user might.
        typed = codes.get(codes.size() - 1).toUpperCase(java.util.Locale.ROOT).replace('-', ' ');
        if (recoveryCodes.match(typed, hashes) != codes.size() - 1) {
            throw new IllegalStateException("The typed recovery code does not match its own hash");
        }
    }

    @Benchmark
    public List<String> generateTen() {
        return recoveryCodes.generate();
    }

    @Benchmark
    public int matchOneOfTen() {
        return recoveryCodes.match(typed, hashes);
    }
}
