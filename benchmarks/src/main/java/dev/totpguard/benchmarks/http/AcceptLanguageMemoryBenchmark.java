package dev.totpguard.benchmarks.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * The {@code Accept-Language} attack of issue 13 (item 4), measured: the example application (launcher jar, one JVM,
 * TOTP Guard's filter installed) answers unauthenticated GETs of {@code /totpguard/no-such-page}, the filter's own
 * "not found" page, which is rendered from its message bundle in the language the request asks for, and creates no
 * session. On one server, in this order:
 *
 * <ol>
 *   <li>{@value #WARM_UP} requests with one tag (not counted), then the retained heap;</li>
 *   <li>the baseline: {@code --requests} (60,000) requests, all with that one tag, then the retained heap;</li>
 *   <li>the attack: {@code --requests} requests, each with its own tag, then the retained heap.</li>
 * </ol>
 *
 * The retained heap is read from the server over JMX ({@link ServerHeap}): the live bytes of {@code GC.class_histogram}
 * (the figures compared) and the used heap after {@code System.gc()} (which also counts what the server allocated
 * after the collection, e.g. for the JMX calls: it moved by a few hundred KiB either way in trial runs). The baseline and the attack send the same number of requests of the same
 * size, so what the attack retains beyond the baseline is what the distinct tags cost. Every response must be the
 * filter's 404, else the run fails (exit status 1).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.totpguard.benchmarks.http.AcceptLanguageMemoryBenchmark \
 *     --jar example-webapp/target/totpguard-example.jar [--requests 60000] [--connections 4] [--label run] [--out DIR]
 * </pre>
 * Appends one line to {@code accept-language-memory.md} in {@code benchmarks/results/} (or {@code --out}) and prints
 * the classes that grew most. Never part of {@code verify}.
 */
public final class AcceptLanguageMemoryBenchmark {

    static final String PATH = "/totpguard/no-such-page";
    private static final int WARM_UP = 2_000;
    private static final int TIMEOUT_MILLIS = 30_000;
    private static final double MIB = 1024.0 * 1024.0;
    private static final String TABLE_HEADER = "| run | started (UTC) | requests per phase"
            + " | live bytes after warm-up / baseline (one tag) / attack (distinct tags) | baseline grew | attack grew"
            + " | per distinct tag | after attack / after baseline | used heap after System.gc(): warm-up / baseline / attack"
            + " | time baseline / attack | load average (1, 5, 15 min) before ... after |\n"
            + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";

    private AcceptLanguageMemoryBenchmark() {
    }

    /**
     * The {@code i}-th tag of the attack: a language with a distinct subtag, and a second distinct language at a lower
     * weight, as a client may send on every request (the same shape as {@code HostileInputIT}'s).
     */
    static String distinctTag(int i) {
        return "en-" + Integer.toString(1_000_000 + i, 36) + ", x" + Integer.toString(i, 36) + ";q=0.5";
    }

    public static void main(String[] args) throws Exception {
        Path jar = null;
        Path out = Path.of("benchmarks/results");
        int requests = 60_000;
        int connections = 4;
        String label = "run";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--label" -> label = args[++i];
                default -> {
                    System.err.println("Unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (jar == null || requests < 1 || connections < 1) {
            System.err.println("--jar PATH is required; --requests and --connections must be positive");
            System.exit(2);
        }
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        String loadBefore = LoginFloodBenchmark.loadAverage();
        String date = Instant.now().truncatedTo(ChronoUnit.MINUTES).toString();
        try (ExampleProcess example = ExampleProcess.start(jar, true, List.of(), HttpLoopbackBenchmark.SERVER_JVM_OPTIONS,
                password, 120);
             ServerHeap heap = ServerHeap.attach(example.pid())) {
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", example.port());
            probe(server);
            String oneTag = distinctTag(0);
            send(server, WARM_UP, connections, i -> oneTag);
            ServerHeap.Retained start = heap.retained();
            long baselineNanos = send(server, requests, connections, i -> oneTag);
            ServerHeap.Retained baseline = heap.retained();
            long attackNanos = send(server, requests, connections, AcceptLanguageMemoryBenchmark::distinctTag);
            ServerHeap.Retained attack = heap.retained();
            String loadAfter = LoginFloodBenchmark.loadAverage();

            long baselineGrew = baseline.liveBytes() - start.liveBytes();
            long attackGrew = attack.liveBytes() - baseline.liveBytes();
            String line = String.format(Locale.ROOT,
                    "| %s | %s | %,d | %s / %s / %s | %s | %s | %,.1f B | %.3f | %s / %s / %s | %.1f / %.1f s | %s ... %s |",
                    label, date, requests, mib(start.liveBytes()), mib(baseline.liveBytes()), mib(attack.liveBytes()),
                    signedMib(baselineGrew), signedMib(attackGrew), attackGrew / (double) requests,
                    attack.liveBytes() / (double) baseline.liveBytes(),
                    mib(start.usedAfterGc()), mib(baseline.usedAfterGc()), mib(attack.usedAfterGc()),
                    baselineNanos / 1e9, attackNanos / 1e9, loadBefore, loadAfter);
            System.out.println("AcceptLanguageMemoryBenchmark: " + line);
            System.out.printf(Locale.ROOT, "Exact bytes: used after GC %,d -> %,d -> %,d; live (class histogram) %,d -> %,d -> %,d"
                            + " (%,d -> %,d -> %,d objects)%n",
                    start.usedAfterGc(), baseline.usedAfterGc(), attack.usedAfterGc(), start.liveBytes(), baseline.liveBytes(),
                    attack.liveBytes(), start.liveInstances(), baseline.liveInstances(), attack.liveInstances());
            printGrowth("baseline (one tag)", start, baseline);
            printGrowth("attack (distinct tags)", baseline, attack);
            Files.createDirectories(out);
            Path file = out.resolve("accept-language-memory.md");
            if (!Files.exists(file)) {
                Files.writeString(file, TABLE_HEADER);
            }
            Files.writeString(file, line + "\n", StandardOpenOption.APPEND);
        } catch (WrongAnswer e) {
            System.err.println("FAILED: " + e.getMessage());
            System.exit(1);
        }
    }

    /** One request through the JDK's client, to show that the path is the filter's page, before any counting. */
    private static void probe(InetSocketAddress server) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + PATH))
                .header("Accept-Language", distinctTag(0)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() != 404 || !page.body().contains("Two-factor authentication")
                || page.headers().firstValue("Set-Cookie").isPresent()) {
            throw new WrongAnswer(PATH + " is not the filter's session-less 404 page: " + page.statusCode() + " "
                    + page.headers().map() + "\n" + page.body());
        }
    }

    /**
     * Sends {@code count} GETs of {@link #PATH} over {@code connections} kept-alive connections, request {@code i} with
     * {@code Accept-Language: tag(i)}; returns the time taken. Every answer must be 404.
     */
    private static long send(InetSocketAddress server, int count, int connections, IntFunction<String> tag) throws Exception {
        AtomicLong next = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long start = System.nanoTime();
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                done.add(pool.submit(() -> {
                    try (KeepAliveConnection connection = new KeepAliveConnection(server,
                            KeepAliveConnection.getRequest(server, PATH, "Accept-Language", tag.apply(0)), TIMEOUT_MILLIS)) {
                        for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                            HttpResponseReader.Response response = connection.send(
                                    KeepAliveConnection.getRequest(server, PATH, "Accept-Language", tag.apply((int) i)));
                            if (response.status() != 404) {
                                throw new WrongAnswer("request " + i + " was answered " + response.status() + ", not 404");
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> future : done) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof WrongAnswer wrong) {
                        throw wrong;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return System.nanoTime() - start;
    }

    private static void printGrowth(String phase, ServerHeap.Retained before, ServerHeap.Retained after) {
        Set<String> classes = new HashSet<>(before.bytesByClass().keySet());
        classes.addAll(after.bytesByClass().keySet());
        List<Map.Entry<String, Long>> grown = new ArrayList<>();
        for (String name : classes) {
            grown.add(Map.entry(name, after.bytesByClass().getOrDefault(name, 0L) - before.bytesByClass().getOrDefault(name, 0L)));
        }
        grown.sort(Comparator.comparingLong((Map.Entry<String, Long> e) -> e.getValue()).reversed());
        System.out.println("Grew most in the " + phase + " (live bytes, class histogram):");
        for (Map.Entry<String, Long> entry : grown.subList(0, Math.min(8, grown.size()))) {
            System.out.printf(Locale.ROOT, "  %+,12d B  %s%n", entry.getValue(), entry.getKey());
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / MIB);
    }

    private static String signedMib(long bytes) {
        return String.format(Locale.ROOT, "%+.2f MiB", bytes / MIB);
    }

    /** A response other than the filter's 404: the run measures nothing. */
    private static final class WrongAnswer extends IOException {
        private static final long serialVersionUID = 1L;

        WrongAnswer(String message) {
            super(message);
        }
    }
}
