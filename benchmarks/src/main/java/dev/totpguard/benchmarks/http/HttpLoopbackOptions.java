package dev.totpguard.benchmarks.http;

import java.nio.file.Path;
import java.util.List;

/**
 * The HTTP loopback benchmark's settings, from its command line ({@code --rounds 4} or {@code --rounds=4}). The
 * defaults keep a run near 70 s on 2 cores. Immutable.
 *
 * @param rate the open-loop rate; 0 for {@code rateFraction} of the filter-off probe's throughput
 */
public record HttpLoopbackOptions(Path jar, Path out, String path, int rounds, double roundSeconds, double warmupSeconds,
                                  double probeSeconds, int probeThreads, int openLoopThreads, double rateFraction, double rate,
                                  int serverCpu, int clientCpu, boolean pin, int timeoutMillis,
                                  List<String> serverJvmOptions) {

    static final String USAGE = String.join("\n",
            "Usage: java -cp benchmarks.jar dev.totpguard.benchmarks.http.HttpLoopbackBenchmark [options]",
            "  --jar PATH             the example launcher (default example-webapp/target/totpguard-example.jar)",
            "  --out DIR              where http-loopback.json/.md/.png go (default benchmarks/results)",
            "  --path PATH            the admin page to GET (default /admin/help)",
            "  --rounds N             open-loop rounds per variant, alternating off, on, off, on ... (default 4)",
            "  --round-seconds S      length of one round (default 3)",
            "  --warmup-seconds S     closed-loop warm-up of each server (default 6)",
            "  --probe-seconds S      closed-loop saturation probe of each server (default 3)",
            "  --probe-connections N  connections of the warm-up and the probe (default 8)",
            "  --connections N        connections (threads) of the open-loop rounds (default 16)",
            "  --rate-fraction F      open-loop rate as a fraction of the filter-off probe's req/s (default 0.5)",
            "  --rate R               a fixed open-loop rate in req/s instead",
            "  --server-cpu N, --client-cpu N   cores for taskset (default 0 and 1)",
            "  --no-pin               do not pin with taskset",
            "  --timeout-ms N         response time-out (default 10000)",
            "  --server-jvm-options \"...\"  the servers' JVM options, separated by spaces",
            "                         (default " + String.join(" ", HttpLoopbackBenchmark.SERVER_JVM_OPTIONS) + ")",
            "");

    public static HttpLoopbackOptions defaults() {
        return new HttpLoopbackOptions(Path.of("example-webapp/target/totpguard-example.jar"), Path.of("benchmarks/results"), "/admin/help",
                4, 3, 6, 3, 8, 16, 0.5, 0, 0, 1, true, 10_000,
                HttpLoopbackBenchmark.SERVER_JVM_OPTIONS);
    }

    public HttpLoopbackOptions {
        if (rounds < 1 || rounds > 100) {
            throw new IllegalArgumentException("--rounds must be 1 to 100, not " + rounds);
        }
        if (!(roundSeconds > 0 && roundSeconds <= 600) || !(warmupSeconds >= 0 && warmupSeconds <= 600)
                || !(probeSeconds > 0 && probeSeconds <= 600)) {
            throw new IllegalArgumentException("round and probe times must be above 0 and at most 600 s, the warm-up 0 to 600 s");
        }
        if (probeThreads < 1 || probeThreads > 256 || openLoopThreads < 1 || openLoopThreads > 1024) {
            throw new IllegalArgumentException("--probe-connections must be 1 to 256 and --connections 1 to 1024");
        }
        if (!(rateFraction > 0 && rateFraction <= 1) || !(rate >= 0)) {
            throw new IllegalArgumentException("--rate-fraction must be above 0 and at most 1, --rate positive");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("--path must start with /, not " + path);
        }
        if (timeoutMillis < 100) {
            throw new IllegalArgumentException("--timeout-ms must be at least 100");
        }
        serverJvmOptions = List.copyOf(serverJvmOptions);
    }

    /** @throws IllegalArgumentException naming the flag */
    public static HttpLoopbackOptions parse(String... args) {
        HttpLoopbackOptions o = defaults();
        Path jar = o.jar;
        Path out = o.out;
        String path = o.path;
        int rounds = o.rounds;
        double roundSeconds = o.roundSeconds;
        double warmupSeconds = o.warmupSeconds;
        double probeSeconds = o.probeSeconds;
        int probeThreads = o.probeThreads;
        int openLoopThreads = o.openLoopThreads;
        double rateFraction = o.rateFraction;
        double rate = o.rate;
        int serverCpu = o.serverCpu;
        int clientCpu = o.clientCpu;
        boolean pin = o.pin;
        int timeoutMillis = o.timeoutMillis;
        List<String> serverJvmOptions = o.serverJvmOptions;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value = null;
            int equals = flag.indexOf('=');
            if (equals > 0) {
                value = flag.substring(equals + 1);
                flag = flag.substring(0, equals);
            }
            if (flag.equals("--no-pin")) {
                pin = false;
                continue;
            }
            if (!List.of("--jar", "--out", "--path", "--rounds", "--round-seconds", "--warmup-seconds", "--probe-seconds",
                    "--probe-connections", "--connections", "--rate-fraction", "--rate", "--server-cpu", "--client-cpu", "--timeout-ms",
                    "--server-jvm-options")
                    .contains(flag)) {
                throw new IllegalArgumentException("unknown option " + flag);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                value = args[++i];
            }
            try {
                switch (flag) {
                    case "--jar" -> jar = Path.of(value);
                    case "--out" -> out = Path.of(value);
                    case "--path" -> path = value;
                    case "--rounds" -> rounds = Integer.parseInt(value);
                    case "--round-seconds" -> roundSeconds = Double.parseDouble(value);
                    case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(value);
                    case "--probe-seconds" -> probeSeconds = Double.parseDouble(value);
                    case "--probe-connections" -> probeThreads = Integer.parseInt(value);
                    case "--connections" -> openLoopThreads = Integer.parseInt(value);
                    case "--rate-fraction" -> rateFraction = Double.parseDouble(value);
                    case "--rate" -> rate = Double.parseDouble(value);
                    case "--server-cpu" -> serverCpu = Integer.parseInt(value);
                    case "--client-cpu" -> clientCpu = Integer.parseInt(value);
                    case "--timeout-ms" -> timeoutMillis = Integer.parseInt(value);
                    case "--server-jvm-options" -> serverJvmOptions = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
                    default -> throw new AssertionError("listed above but not handled: " + flag);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " expects a number, not '" + value + "'");
            }
        }
        return new HttpLoopbackOptions(jar, out, path, rounds, roundSeconds, warmupSeconds, probeSeconds, probeThreads, openLoopThreads,
                rateFraction, rate, serverCpu, clientCpu, pin, timeoutMillis, serverJvmOptions);
    }
}
