package dev.totpguard.benchmarks.http;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything one run of the HTTP loopback benchmark found: how it ran ({@link Setup}), the closed-loop saturation
 * probe of each variant, every open-loop round in the order run, and the {@link Summary} computed from the rounds.
 * Written to and read from JSON ({@code http-loopback.json}) with the field names of these records. Immutable.
 */
public record HttpLoopbackResults(Setup setup, List<Probe> probes, List<Round> rounds, Summary summary) {

    /** The variant with TOTP Guard's filter installed. */
    public static final String FILTER_ON = "filter on";
    /** The variant started with {@code --benchmark-without-totp-filter}. */
    public static final String FILTER_OFF = "filter off";
    /** The goal of issue 7: the filter's p50 at most 1 % above the run without it. */
    public static final double TARGET_P50_RATIO = 1.01;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    public HttpLoopbackResults {
        Objects.requireNonNull(setup, "setup");
        probes = List.copyOf(probes);
        rounds = List.copyOf(rounds);
        Objects.requireNonNull(summary, "summary");
    }

    /** The results with their summary computed from {@code rounds}. */
    public static HttpLoopbackResults of(Setup setup, List<Probe> probes, List<Round> rounds) {
        return new HttpLoopbackResults(setup, probes, rounds, Summary.of(probes, rounds));
    }

    /**
     * How the run was made.
     *
     * @param rate the open-loop rate of every round, requests per second: {@code rateFraction} of the filter-off
     *     probe's throughput unless given
     */
    public record Setup(String date, String machine, String java, String pinning, String path, List<String> serverJvmOptions,
                        int probeThreads, double warmupSeconds, double probeSeconds, int openLoopThreads, double rateFraction,
                        double rate, int roundsPerVariant, double roundSeconds, String loadBefore, String loadAfter,
                        double totalSeconds) {

        public Setup {
            serverJvmOptions = List.copyOf(serverJvmOptions);
        }
    }

    /**
     * A closed-loop run of {@code threads} connections sending back to back: the saturation throughput. CPU shares as
     * in {@link Round}.
     */
    public record Probe(String variant, int threads, double seconds, int completed, int non2xx, int failed, double requestsPerSecond,
                        double serverCpuShare, double clientCpuShare) {
    }

    /**
     * One open-loop round of one variant. Latencies in nanoseconds, from the intended send time; {@code serviceP50Nanos}
     * from the actual send (the difference is time a request waited in the client). {@code serverCpuShare} is the
     * server JVM's CPU time over the round's wall time (1 = its whole core), or -1 where unknown; {@code clientCpuShare}
     * the same for the load client's JVM.
     */
    public record Round(String variant, int round, double targetRate, int scheduled, int completed, int non2xx, int failed,
                        long p50Nanos, long p99Nanos, long maxNanos, long serviceP50Nanos, double requestsPerSecond,
                        double serverCpuShare, double clientCpuShare, long bodyBytes) {
    }

    /**
     * The medians over each variant's rounds, their ratios (filter on / filter off), and the target.
     *
     * @param offP50SpreadRatio the largest over the smallest p50 of the filter-off rounds: how far the same server
     *     varies from round to round on this machine, which bounds what a 1 % comparison can resolve
     * @param p50TargetMet whether the ratio is within the target and every response was 2xx
     * @param p50Resolvable whether the filter-off rounds varied by no more than the target's margin; when not, a ratio
     *     within the target is luck as much as a result
     */
    public record Summary(double offMedianP50Nanos, double onMedianP50Nanos, double p50Ratio, double offMedianP99Nanos,
                          double onMedianP99Nanos, double p99Ratio, double offMedianRequestsPerSecond, double onMedianRequestsPerSecond,
                          double offP50SpreadRatio, int non2xx, int failed, double targetP50Ratio, boolean p50TargetMet,
                          boolean p50Resolvable) {

        static Summary of(List<Probe> probes, List<Round> rounds) {
            double offP50 = median(rounds, FILTER_OFF, Round::p50Nanos);
            double onP50 = median(rounds, FILTER_ON, Round::p50Nanos);
            double offP99 = median(rounds, FILTER_OFF, Round::p99Nanos);
            double onP99 = median(rounds, FILTER_ON, Round::p99Nanos);
            double[] offP50s = rounds.stream().filter(r -> r.variant().equals(FILTER_OFF)).mapToDouble(Round::p50Nanos).toArray();
            double spread = offP50s.length == 0 ? Double.NaN
                    : java.util.Arrays.stream(offP50s).max().getAsDouble() / java.util.Arrays.stream(offP50s).min().getAsDouble();
            int non2xx = rounds.stream().mapToInt(Round::non2xx).sum() + probes.stream().mapToInt(Probe::non2xx).sum();
            int failed = rounds.stream().mapToInt(Round::failed).sum() + probes.stream().mapToInt(Probe::failed).sum();
            double p50Ratio = onP50 / offP50;
            return new Summary(offP50, onP50, p50Ratio, offP99, onP99, onP99 / offP99,
                    median(rounds, FILTER_OFF, Round::requestsPerSecond), median(rounds, FILTER_ON, Round::requestsPerSecond),
                    spread, non2xx, failed, TARGET_P50_RATIO, non2xx == 0 && failed == 0 && p50Ratio <= TARGET_P50_RATIO,
                    spread - 1 <= TARGET_P50_RATIO - 1);
        }

        private static double median(List<Round> rounds, String variant, java.util.function.ToDoubleFunction<Round> value) {
            double[] values = rounds.stream().filter(r -> r.variant().equals(variant)).mapToDouble(value).toArray();
            return values.length == 0 ? Double.NaN : Latencies.median(values);
        }
    }

    public void write(Path json) throws IOException {
        try (Writer writer = Files.newBufferedWriter(json, StandardCharsets.UTF_8)) {
            GSON.toJson(this, writer);
            writer.write('\n');
        }
    }

    /**
     * @throws IOException if the file cannot be read or is not a result file of this benchmark
     */
    public static HttpLoopbackResults read(Path json) throws IOException {
        try (Reader reader = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
            HttpLoopbackResults results = GSON.fromJson(reader, HttpLoopbackResults.class);
            if (results == null) {
                throw new IOException(json + " is empty");
            }
            return results;
        } catch (JsonParseException | NullPointerException e) {
            throw new IOException(json + " is not an HTTP loopback result file: " + e.getMessage(), e);
        }
    }
}
