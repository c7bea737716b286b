package dev.totpguard.benchmarks.http;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The login flood of issue 13: real password logins of the example's administrator, one after another, while
 * {@code --flood} (32) clients post bogus logins (unknown user names, random passwords) as fast as they are answered.
 * Each real login is the FORM login POST (the PBKDF2 step) in a new session; its time runs from sending to the answer.
 * Reports p50/p99/max of the real logins and how many were refused, and how many bogus logins were answered.
 *
 * <p>With {@code --proxy} the example is started with {@code --trusted-proxies 127.0.0.1} and every request carries
 * {@code X-Forwarded-For}, as behind a reverse proxy: the real administrator from 198.51.100.1, the flood from one
 * address ({@code --flood-from one}, 203.0.113.66) or from a new address per request ({@code many}, a botnet). Without
 * it every request comes from 127.0.0.1 (main's example cannot tell clients apart behind a proxy).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.totpguard.benchmarks.http.LoginFloodBenchmark \
 *     --jar example-webapp/target/totpguard-example.jar [--seconds 60] [--flood 32] [--proxy] [--flood-from one|many] [--label after]
 * </pre>
 * Appends one line to {@code benchmarks/results/login-flood.md} (or {@code --out}). Never part of {@code verify}.
 */
public final class LoginFloodBenchmark {

    private static final String REAL_ADDRESS = "198.51.100.1";
    private static final Duration REAL_PAUSE = Duration.ofMillis(250);
    private static final Duration WARM_UP = Duration.ofSeconds(10);

    private LoginFloodBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = null;
        Path out = Path.of("benchmarks/results");
        int seconds = 60;
        int flood = 32;
        boolean proxy = false;
        boolean manyAddresses = false;
        String label = "run";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--flood" -> flood = Integer.parseInt(args[++i]);
                case "--proxy" -> proxy = true;
                case "--flood-from" -> manyAddresses = args[++i].equals("many");
                case "--label" -> label = args[++i];
                default -> {
                    System.err.println("Unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (jar == null) {
            System.err.println("--jar PATH is required");
            System.exit(2);
        }
        SecureRandom random = new SecureRandom();
        String password = HexFormat.of().formatHex(random.generateSeed(12));
        List<String> launcher = proxy ? List.of("--trusted-proxies", "127.0.0.1") : List.of();
        try (ExampleProcess example = ExampleProcess.start(jar, true, List.of(), HttpLoopbackBenchmark.SERVER_JVM_OPTIONS, launcher,
                password, 120)) {
            String base = "http://127.0.0.1:" + example.port();
            String realFrom = proxy ? REAL_ADDRESS : null;
            // Warm-up: real logins alone, not counted.
            long warmEnd = System.nanoTime() + WARM_UP.toNanos();
            while (System.nanoTime() < warmEnd) {
                realLogin(base, password, realFrom);
            }
            List<Long> quiet = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                quiet.add(realLogin(base, password, realFrom).nanos);
                Thread.sleep(REAL_PAUSE.toMillis());
            }
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong bogus = new AtomicLong();
            AtomicLong bogusBusy = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(flood);
            boolean finalProxy = proxy;
            boolean finalMany = manyAddresses;
            for (int t = 0; t < flood; t++) {
                pool.submit(() -> {
                    HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                            .connectTimeout(Duration.ofSeconds(10)).build();
                    SecureRandom own = new SecureRandom();
                    while (running.get()) {
                        String from = !finalProxy ? null : finalMany
                                ? "10." + own.nextInt(256) + "." + own.nextInt(256) + "." + (1 + own.nextInt(254)) : "203.0.113.66";
                        // 10.x is not a listed proxy here: only 127.0.0.1 is, so each such hop is a distinct client.
                        try {
                            HttpResponse<Void> response = client.send(loginPost(base, "bogus" + own.nextInt(1_000_000),
                                    HexFormat.of().formatHex(own.generateSeed(8)), from), HttpResponse.BodyHandlers.discarding());
                            bogus.incrementAndGet();
                            if (response.statusCode() >= 500) {
                                bogusBusy.incrementAndGet();
                            }
                        } catch (IOException | InterruptedException e) {
                            if (!running.get()) {
                                return null;
                            }
                        }
                    }
                    return null;
                });
            }
            List<Long> flooded = new ArrayList<>();
            int refused = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            String load = loadAverage();
            while (System.nanoTime() < end) {
                Login login = realLogin(base, password, realFrom);
                flooded.add(login.nanos);
                if (!login.accepted) {
                    refused++;
                }
                Thread.sleep(REAL_PAUSE.toMillis());
            }
            running.set(false);
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            String loadAfter = loadAverage();
            String line = String.format(Locale.ROOT,
                    "| %s | %s | %d | %d s | %d | %.0f / %.0f ms | %.0f / %.0f / %.0f ms | %d | %d (%.1f/s, %d answered 5xx) | %s ... %s |",
                    label, proxy ? (manyAddresses ? "many addresses" : "one address") : "all 127.0.0.1", flood, seconds,
                    flooded.size(), percentile(quiet, 50), percentile(quiet, 99),
                    percentile(flooded, 50), percentile(flooded, 99), percentile(flooded, 100), refused,
                    bogus.get(), bogus.get() / (double) seconds, bogusBusy.get(), load, loadAfter);
            System.out.println("LoginFloodBenchmark: " + line);
            Files.createDirectories(out);
            Path file = out.resolve("login-flood.md");
            if (!Files.exists(file)) {
                Files.writeString(file, "| run | flood from | flood clients | length | real logins | quiet p50 / p99 | flooded p50 / p99 / max"
                        + " | real refused | bogus answered | load average (1, 5, 15 min) before ... after |\n"
                        + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
            }
            Files.writeString(file, line + "\n", java.nio.file.StandardOpenOption.APPEND);
        }
    }

    private record Login(long nanos, boolean accepted) {
    }

    /** A new session's password login; accepted when Jetty sends it on to the page it asked for, not to the error page. */
    private static Login realLogin(String base, String password, String from) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .cookieHandler(new java.net.CookieManager()).connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest.Builder page = HttpRequest.newBuilder(URI.create(base + "/admin/")).timeout(Duration.ofSeconds(60));
        if (from != null) {
            page.header("X-Forwarded-For", from);
        }
        client.send(page.build(), HttpResponse.BodyHandlers.discarding());
        long start = System.nanoTime();
        HttpResponse<Void> response = client.send(loginPost(base, "admin", password, from), HttpResponse.BodyHandlers.discarding());
        long nanos = System.nanoTime() - start;
        String location = response.headers().firstValue("Location").orElse("");
        boolean accepted = response.statusCode() / 100 == 3 && !location.contains("error");
        if (!accepted) {
            System.out.println("LoginFloodBenchmark: a real login was answered " + response.statusCode() + " " + location);
        }
        return new Login(nanos, accepted);
    }

    private static HttpRequest loginPost(String base, String user, String password, String from) {
        String form = "j_username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&j_password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/j_security_check")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        if (from != null) {
            request.header("X-Forwarded-For", from);
        }
        return request.build();
    }

    private static double percentile(List<Long> nanos, int percent) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
    }

    /** The 1, 5 and 15 minute load averages from {@code /proc/loadavg}, or "?". */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
