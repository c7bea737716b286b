package dev.totpguard.benchmarks.http;

import dev.totpguard.benchmarks.http.HttpLoopbackResults.Probe;
import dev.totpguard.benchmarks.http.HttpLoopbackResults.Round;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP half of the filter benchmark: the example application over loopback with TOTP Guard's filter and without
 * it ({@code --benchmark-without-totp-filter}; nothing else differs), each in its own JVM pinned to one core, the
 * load client pinned to the other.
 *
 * <ol>
 *   <li>Starts both servers on fresh databases and signs the first administrator in on each, enrolling TOTP (with
 *       the filter, the session then passes its token page), so both serve the measured admin page to a signed-in
 *       session with TOTP on.</li>
 *   <li>Warms each server up with closed-loop load, then with open-loop load near the rate to come until its CPU
 *       share settles (not counted), then probes each for its saturation throughput (closed loop).</li>
 *   <li>Runs open-loop rounds at one fixed rate for both, {@code --rate-fraction} (half) of the filter-off
 *       saturation, alternating filter off, filter on, off, on ..., so slow drifts of the machine hit both alike.
 *       Latency counts from each request's intended send time.</li>
 *   <li>Writes {@code http-loopback.json}, {@code http-loopback.md} and {@code http-loopback.png}; exits with status
 *       1 if any response was not 2xx or any request failed, 2 for a usage error.</li>
 * </ol>
 *
 * Bounded: every round has a fixed count of requests and a deadline; the servers are stopped at the end.
 */
public final class HttpLoopbackBenchmark {

    static final List<String> SERVER_JVM_OPTIONS = List.of("-Xms512m", "-Xmx512m", "-XX:+UseSerialGC");
    private static final long QUIET_SAMPLE_MILLIS = 300;
    private static final long QUIET_MAX_MILLIS = 5_000;
    private static final double QUIET_CPU_SHARE = 0.07;
    private static final double WARMUP_CHUNK_SECONDS = 3;
    private static final double REHEARSAL_SECONDS = 1.5;
    private static final int MAX_REHEARSALS = 8;
    private static final int MAX_REHEARSALS_AT_RATE = 3;
    private static final double REHEARSAL_BUSY = 0.9;
    private static final double REHEARSAL_SETTLED = 0.1;

    private final HttpLoopbackOptions options;
    private static final long STARTED = System.nanoTime();

    private HttpLoopbackBenchmark(HttpLoopbackOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.print(HttpLoopbackOptions.USAGE);
            return;
        }
        HttpLoopbackOptions options;
        try {
            options = HttpLoopbackOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage() + "\n" + HttpLoopbackOptions.USAGE);
            System.exit(2);
            return;
        }
        System.setProperty("java.awt.headless", "true");
        HttpLoopbackResults results = new HttpLoopbackBenchmark(options).run();
        if (results.summary().non2xx() > 0 || results.summary().failed() > 0) {
            System.err.println("FAILED: " + results.summary().non2xx() + " non-2xx responses, " + results.summary().failed()
                    + " failed requests (see " + options.out().resolve("http-loopback.md") + ")");
            System.exit(1);
        }
    }

    private HttpLoopbackResults run() throws IOException, InterruptedException {
        long started = System.nanoTime();
        String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String loadBefore = loadAverage();
        String machine = machine();
        CpuPinning pinning = options.pin() ? CpuPinning.detect(options.serverCpu(), options.clientCpu()) : null;
        if (pinning != null) {
            pinning = pinning.pinThisProcessToClientCpu();
        }
        String pinningText = pinning == null ? "not pinned (--no-pin)" : pinning.description();
        log("CPU pinning: " + pinningText);
        List<String> prefix = pinning == null ? List.of() : pinning.serverPrefix();
        String password = randomPassword();

        try (ExampleProcess off = ExampleProcess.start(options.jar(), false, prefix, options.serverJvmOptions(), password, 120);
             ExampleProcess on = ExampleProcess.start(options.jar(), true, prefix, options.serverJvmOptions(), password, 120)) {
            log("servers up: filter off on port " + off.port() + ", filter on on port " + on.port());
            Target offTarget = target(HttpLoopbackResults.FILTER_OFF, off,
                    new AdminBrowser(off.port()).signInWithTotp(password, options.path(), false));
            Target onTarget = target(HttpLoopbackResults.FILTER_ON, on,
                    new AdminBrowser(on.port()).signInWithTotp(password, options.path(), true));
            log("signed in on both with TOTP enrolled; the filter-on session passed the token page");

            List<ExampleProcess> servers = List.of(off, on);
            double offWarmRate = warmUp(offTarget, servers);
            warmUp(onTarget, servers);
            rehearse(List.of(offTarget, onTarget), servers, options.rate() > 0 ? options.rate() : options.rateFraction() * offWarmRate,
                    MAX_REHEARSALS);

            List<Probe> probes = new ArrayList<>();
            for (Target target : List.of(offTarget, onTarget)) {
                waitForQuietServers(servers);
                long cpuBefore = target.process().cpuNanos();
                long clientCpuBefore = clientCpuNanos();
                LoadRun probe = target.generator().closedLoop(options.probeThreads(), options.probeSeconds());
                double cpu = cpuShare(cpuBefore, target.process().cpuNanos(), probe.elapsedNanos());
                double clientCpu = cpuShare(clientCpuBefore, clientCpuNanos(), probe.elapsedNanos());
                probes.add(new Probe(target.variant(), options.probeThreads(), options.probeSeconds(), probe.completed(), probe.non2xx(),
                        probe.failed(), probe.requestsPerSecond(), cpu, clientCpu));
                log(String.format(Locale.ROOT, "probe   %-10s %,8.0f req/s (closed loop, %d connections), server CPU %s, client CPU %s",
                        target.variant(), probe.requestsPerSecond(), options.probeThreads(), percent(cpu), percent(clientCpu)));
            }
            double rate = options.rate() > 0 ? options.rate() : options.rateFraction() * probes.get(0).requestsPerSecond();
            log(String.format(Locale.ROOT, "open loop at %,.0f req/s for both, %d x %.0f s each, alternating", rate, options.rounds(),
                    options.roundSeconds()));
            // The probe's load and the new rate can make the JIT compile again: settle at the rate of the rounds.
            rehearse(List.of(offTarget, onTarget), servers, rate, MAX_REHEARSALS_AT_RATE);

            List<Round> rounds = new ArrayList<>();
            for (int round = 1; round <= options.rounds(); round++) {
                for (Target target : List.of(offTarget, onTarget)) {
                    waitForQuietServers(servers);
                    rounds.add(openLoopRound(target, round, rate, options.roundSeconds()));
                }
            }
            double total = (System.nanoTime() - started) / 1e9;
            HttpLoopbackResults.Setup setup = new HttpLoopbackResults.Setup(date, machine, javaVersion(), pinningText, options.path(),
                    options.serverJvmOptions(), options.probeThreads(), options.warmupSeconds(), options.probeSeconds(), options.openLoopThreads(),
                    options.rate() > 0 ? rate / probes.get(0).requestsPerSecond() : options.rateFraction(), rate, options.rounds(),
                    options.roundSeconds(), loadBefore, loadAverage(), total);
            HttpLoopbackResults results = HttpLoopbackResults.of(setup, probes, rounds);
            write(results);
            return results;
        }
    }

    /**
     * Closed-loop load in chunks of at most {@value #WARMUP_CHUNK_SECONDS} s, each chunk's throughput logged: a server
     * JVM on one core compiles its hot code with the same core it serves with, so the throughput keeps climbing for
     * many seconds, and the log shows whether it had levelled off. Between chunks the JIT compiler gets the core to
     * itself (see {@link #waitForQuietServers}): under closed-loop load it shares it with many busy request threads.
     */
    private double warmUp(Target target, List<ExampleProcess> servers) throws IOException, InterruptedException {
        StringBuilder line = new StringBuilder("warm-up " + String.format(Locale.ROOT, "%-10s", target.variant()) + " req/s:");
        double last = 0;
        for (double left = options.warmupSeconds(); left > 1e-9; left -= WARMUP_CHUNK_SECONDS) {
            waitForQuietServers(servers);
            LoadRun chunk = target.generator().closedLoop(options.probeThreads(), Math.min(WARMUP_CHUNK_SECONDS, left));
            last = chunk.requestsPerSecond();
            line.append(String.format(Locale.ROOT, " %,.0f", chunk.requestsPerSecond()));
            if (!chunk.clean()) {
                throw new IOException("the warm-up of " + target.variant() + " got non-2xx responses or failures: "
                        + chunk.firstProblem().orElse("?"));
            }
        }
        log(line.toString());
        return last;
    }

    /**
     * Open-loop chunks of {@value #REHEARSAL_SECONDS} s at {@code rate}, not counted, until each server has settled:
     * its CPU share is below {@value #REHEARSAL_BUSY} and fell by less than {@value #REHEARSAL_SETTLED} from the chunk
     * before (at most {@code maxChunks} chunks each). A server JVM on one core compiles with the core it serves with;
     * closed-loop load leaves code paths of an open-loop pattern cold (a connection that idles between requests makes
     * Jetty's selector wake up for each one), and while the compiler works the server's share stays near 100 %:
     * without this the first rounds came out slower, their server busy compiling.
     */
    private void rehearse(List<Target> targets, List<ExampleProcess> servers, double rate, int maxChunks)
            throws IOException, InterruptedException {
        for (Target target : targets) {
            double previous = Double.NaN;
            for (int chunk = 1; chunk <= maxChunks; chunk++) {
                waitForQuietServers(servers);
                Round rehearsal = openLoopRound(target, 0, rate, Math.min(REHEARSAL_SECONDS, options.roundSeconds()));
                if (rehearsal.non2xx() > 0 || rehearsal.failed() > 0) {
                    throw new IOException("the rehearsal of " + target.variant() + " got non-2xx responses or failures");
                }
                double cpu = rehearsal.serverCpuShare();
                if (cpu < 0 || (chunk >= 2 && cpu < REHEARSAL_BUSY && cpu >= previous - REHEARSAL_SETTLED)) {
                    break;
                }
                if (chunk == maxChunks) {
                    log("the " + target.variant() + " server had not settled after " + maxChunks + " rehearsal chunks; going on");
                }
                previous = cpu;
            }
        }
    }

    /** One open-loop round; round 0 is the rehearsal, logged but not kept. */
    private Round openLoopRound(Target target, int round, double rate, double seconds) throws InterruptedException {
        // The first request is due a little after the threads are started, so none of them starts late.
        OpenLoopSchedule schedule = OpenLoopSchedule.forDuration(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20), rate, seconds);
        long cpuBefore = target.process().cpuNanos();
        long clientCpuBefore = clientCpuNanos();
        LoadRun run = target.generator().openLoop(schedule, options.openLoopThreads());
        double cpu = cpuShare(cpuBefore, target.process().cpuNanos(), run.elapsedNanos());
        double clientCpu = cpuShare(clientCpuBefore, clientCpuNanos(), run.elapsedNanos());
        long[] latency = run.completed() == 0 ? new long[] {-1, -1, -1}
                : Latencies.percentiles(run.latencyNanos(), run.completed(), 50, 99, 100);
        long serviceP50 = run.completed() == 0 ? -1 : Latencies.percentile(run.serviceNanos(), run.completed(), 50);
        Round result = new Round(target.variant(), round, rate, run.scheduled(), run.completed(), run.non2xx(), run.failed(), latency[0],
                latency[1], latency[2], serviceP50, run.requestsPerSecond(), cpu, clientCpu, run.lastBodyBytes());
        log(String.format(Locale.ROOT, (round == 0 ? "rehearsal (not counted) " : "") + "round %d %-10s p50 %s  p99 %s  max %s  %,7.0f req/s  server CPU %s  client CPU %s  non-2xx %d  failed %d%s", round,
                target.variant(), HttpLoopbackReport.micros(result.p50Nanos()), HttpLoopbackReport.micros(result.p99Nanos()),
                HttpLoopbackReport.micros(result.maxNanos()), result.requestsPerSecond(), percent(cpu), percent(clientCpu), result.non2xx(), result.failed(),
                run.firstProblem().map(p -> "  first problem: " + p).orElse("")));
        return result;
    }

    private void write(HttpLoopbackResults results) throws IOException {
        Files.createDirectories(options.out());
        Path json = options.out().resolve("http-loopback.json");
        results.write(json);
        HttpLoopbackReport.writeChart(results, options.out().resolve("http-loopback.png"));
        Files.writeString(options.out().resolve("http-loopback.md"), HttpLoopbackReport.markdown(results), StandardCharsets.UTF_8);
        HttpLoopbackResults.Summary s = results.summary();
        log(String.format(Locale.ROOT, "median p50: filter off %s, filter on %s, on/off %.3f (target <= %.2f: %s); p99 off %s, on %s; "
                        + "filter-off p50 spread %.3f; %.0f s in all",
                HttpLoopbackReport.micros(s.offMedianP50Nanos()), HttpLoopbackReport.micros(s.onMedianP50Nanos()), s.p50Ratio(),
                s.targetP50Ratio(), s.p50TargetMet() ? "met" : "not met", HttpLoopbackReport.micros(s.offMedianP99Nanos()),
                HttpLoopbackReport.micros(s.onMedianP99Nanos()), s.offP50SpreadRatio(), results.setup().totalSeconds()));
        log("wrote " + json + ", http-loopback.md and http-loopback.png in " + options.out());
    }

    /** One server variant with the load generator on its signed-in session. */
    private record Target(String variant, ExampleProcess process, LoadGenerator generator) {
    }

    private Target target(String variant, ExampleProcess process, String cookie) {
        return new Target(variant, process, new LoadGenerator(new InetSocketAddress("127.0.0.1", process.port()), options.path(), cookie,
                options.timeoutMillis()));
    }

    private static double cpuShare(long before, long after, long wallNanos) {
        return before < 0 || after < 0 || wallNanos <= 0 ? -1 : (double) (after - before) / wallNanos;
    }

    /** CPU time of this JVM (the load client) so far, or -1 where the JVM does not tell. */
    private static long clientCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static String percent(double share) {
        return share < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f %%", share * 100);
    }

    /**
     * Waits (at most {@value #QUIET_MAX_MILLIS} ms) until both server JVMs together use less than
     * {@value #QUIET_CPU_SHARE} of a core over {@value #QUIET_SAMPLE_MILLIS} ms. Both share one core, so a JVM still
     * compiling what the last run made hot, or collecting its garbage, would otherwise slow down the next run of the
     * other variant.
     */
    private static void waitForQuietServers(List<ExampleProcess> servers) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(QUIET_MAX_MILLIS);
        while (true) {
            long before = totalCpuNanos(servers);
            long from = System.nanoTime();
            Thread.sleep(QUIET_SAMPLE_MILLIS);
            long after = totalCpuNanos(servers);
            long now = System.nanoTime();
            if (before < 0 || after < 0 || (double) (after - before) / (now - from) < QUIET_CPU_SHARE) {
                return;
            }
            if (now > deadline) {
                log(String.format(Locale.ROOT, "the servers were still busy (%.0f %% of a core) after %.1f s; going on",
                        100.0 * (after - before) / (now - from), (now - start) / 1e9));
                return;
            }
        }
    }

    private static long totalCpuNanos(List<ExampleProcess> servers) {
        long total = 0;
        for (ExampleProcess server : servers) {
            long cpu = server.cpuNanos();
            if (cpu < 0) {
                return -1;
            }
            total += cpu;
        }
        return total;
    }

    /** The administrator's password for both servers: random, never printed, handed over in the environment. */
    private static String randomPassword() {
        SecureRandom random = new SecureRandom();
        String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static String machine() {
        String cpu = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> ", " + l.substring(l.indexOf(':') + 1).trim()).orElse("");
        } catch (IOException | RuntimeException e) {
            // No /proc/cpuinfo: the core count alone.
        }
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores" + cpu;
    }

    private static String javaVersion() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    private static void log(String line) {
        System.out.println(String.format(Locale.ROOT, "[http %5.1f s] ", (System.nanoTime() - STARTED) / 1e9) + line);
        System.out.flush();
    }
}
