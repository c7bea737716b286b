package dev.totpguard.benchmarks;

import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the time of one TOTP code goes: plain {@code javax.crypto.Mac} calls on the 8-byte counter of
 * RFC 4226, without any OTP logic. Compare with {@link TotpVerifyBenchmark}, which computes three codes:
 *
 * <ul>
 *   <li>{@code macGetInstanceInitDoFinal}: provider look-up, key set-up and one HMAC per call (what a
 *       library without a cached {@code Mac} pays for every code);
 *   <li>{@code threadMacInitDoFinal}: a {@code Mac} kept per thread, keyed for every call (TOTP Guard's
 *       design: each user has another key, so the key schedule cannot be cached);
 *   <li>{@code preKeyedDoFinal}: one HMAC with a {@code Mac} already keyed, the floor for one code;
 *   <li>{@code preKeyedThreeDoFinals}: three of those, the floor for a +-1 window.
 * </ul>
 *
 * <p>The state is per thread (JMH {@link Scope#Thread}), as a {@code ThreadLocal} would give.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class HmacBaselineBenchmark {

    @Param({"SHA1_6", "SHA256_8"})
    public TotpCase totpCase;

    private String macName;
    private byte[] key;
    private final byte[] counter = {0, 0, 0, 0, 3, 100, -14, 62};
    private Mac threadMac;
    private Mac keyedMac;
    private byte[] output;

    @Setup
    public void setUp() throws GeneralSecurityException {
        macName = totpCase.algorithm().macName();
        key = totpCase.key();
        threadMac = Mac.getInstance(macName);
        keyedMac = Mac.getInstance(macName);
        keyedMac.init(new SecretKeySpec(key, macName));
        output = new byte[keyedMac.getMacLength()];
    }

    @Benchmark
    public byte[] macGetInstanceInitDoFinal() throws GeneralSecurityException {
        Mac mac = Mac.getInstance(macName);
        mac.init(new SecretKeySpec(key, macName));
        return mac.doFinal(counter);
    }

    @Benchmark
    public byte[] threadMacInitDoFinal() throws GeneralSecurityException {
        threadMac.init(new SecretKeySpec(key, macName));
        threadMac.update(counter, 0, counter.length);
        threadMac.doFinal(output, 0);
        return output;
    }

    @Benchmark
    public byte[] preKeyedDoFinal() throws GeneralSecurityException {
        keyedMac.update(counter, 0, counter.length);
        keyedMac.doFinal(output, 0);
        return output;
    }

    @Benchmark
    public byte[] preKeyedThreeDoFinals() throws GeneralSecurityException {
        for (int i = 0; i < 3; i++) {
            counter[7] = (byte) (62 + i);
            keyedMac.update(counter, 0, counter.length);
            keyedMac.doFinal(output, 0);
        }
        return output;
    }
}
