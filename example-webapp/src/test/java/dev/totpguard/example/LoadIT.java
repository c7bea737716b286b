package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load test of issue 8: virtual admins run full flows (login page, password, token code, three admin pages,
 * log out; see {@link LoadDriver}) against launcher processes on loopback ports, first one node on its default
 * built-in database, then one node and two nodes on one PostgreSQL database (a schema of its own, dropped
 * afterwards). After each phase it compares what the clients did with what the server stored: every code a
 * client saw accepted is one {@code CODE_ACCEPTED} audit event, every replay one {@code REPLAY_REFUSED} event,
 * nothing else was refused or locked, and each account's last used step is the last step a client used. It then
 * writes the figures (flows/s, p50/p99 per step and per flow) to {@code load-results.json} and
 * {@code load-results.md}, and fails on any server error, unexpected response or counter mismatch.
 *
 * <p>Sizes come from system properties, which the POM sets: a few seconds with a few admins in every
 * {@code verify} (so the code cannot rot), and the documented sizes with {@code -Pload} (see {@code load.sh}).
 */
class LoadIT {

    private static final String PASSWORD = "load-test-admin-password";
    /**
     * The example's per-address limit: 50 attempts from one address, counted while in flight and kept when they fail,
     * per 15 minutes. All load comes from 127.0.0.1, so every virtual admin's attempt in flight and every refused
     * replay (of both PostgreSQL phases, which share one database) must fit below it.
     */
    private static final int ADDRESS_LIMIT = 50;
    private static final int MAX_VIRTUAL_ADMINS = 40;
    private static final int MAX_REPLAYS_PER_PHASE = 20;

    @TempDir
    Path temp;

    /** The run's sizes. */
    record Sizes(int virtualAdmins, int accountsPerAdmin, Duration duration, int maxFlows, int replays, List<String> databases, Path results) {

        static Sizes fromSystemProperties() {
            int admins = integer("load.admins", 2);
            if (admins < 1 || admins > MAX_VIRTUAL_ADMINS) {
                throw new IllegalArgumentException("load.admins is 1 to " + MAX_VIRTUAL_ADMINS + ": all virtual admins come from 127.0.0.1, "
                        + "and the per-address limit (" + ADDRESS_LIMIT + " attempts in flight or failed per 15 minutes) would refuse more");
            }
            int replays = integer("load.replays", 4);
            if (replays < 0 || replays > MAX_REPLAYS_PER_PHASE) {
                throw new IllegalArgumentException("load.replays is 0 to " + MAX_REPLAYS_PER_PHASE
                        + ": every refused replay counts against the per-address limit for 15 minutes");
            }
            // Two PostgreSQL phases of refused replays plus one attempt in flight per virtual admin, with a margin of 2.
            int room = (ADDRESS_LIMIT - 2 - admins) / 2;
            Sizes sizes = new Sizes(admins, integer("load.accounts", 15), Duration.ofSeconds(integer("load.seconds", 3)),
                    integer("load.maxFlows", 100_000), Math.min(replays, room),
                    List.of(System.getProperty("load.databases", "postgresql").split(",")),
                    Path.of(System.getProperty("load.results", "target/load-results")));
            for (String database : sizes.databases) {
                if (!List.of("h2", "postgresql").contains(database)) {
                    throw new IllegalArgumentException("load.databases lists h2 and/or postgresql, not " + database);
                }
            }
            return sizes;
        }

        int accounts() {
            return virtualAdmins * accountsPerAdmin;
        }

        private static int integer(String name, int fallback) {
            String value = System.getProperty(name, "");
            return value.isBlank() ? fallback : Integer.parseInt(value.strip());
        }
    }

    /** One phase's figures and verdict. */
    record Phase(String name, String database, LoadDriver.Figures figures, List<String> counterMismatches) {

        boolean passed() {
            return figures.serverErrors() == 0 && figures.unexpected() == 0 && figures.replaysAccepted() == 0 && counterMismatches.isEmpty()
                    && figures.flows() > 0;
        }
    }

    @Test
    void virtualAdminsRunFullFlowsOnOneNodeThenTwoWithExactCounters() throws Exception {
        Sizes sizes = Sizes.fromSystemProperties();
        Instant started = Instant.now();
        // Before any node or client runs: other work on the machine.
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        List<Phase> phases = new ArrayList<>();
        // The schema first, so that a missing PostgreSQL skips or fails the run before any phase, not after the H2 one.
        try (ScratchDatabase schema = sizes.databases().contains("postgresql") ? ScratchDatabase.postgres("tg_load") : null) {
            if (sizes.databases().contains("h2")) {
                phases.add(onBuiltInDatabase(sizes));
            }
            if (schema != null) {
                phases.addAll(onPostgreSql(sizes, schema.jdbcUrl()));
            }
        }
        LoadResults.write(sizes, started, loadBefore, phases);
        for (Phase phase : phases) {
            System.out.printf(Locale.ROOT, "LoadIT %s: %d flows in %.1f s = %.2f flows/s, flow p50 %d ms p99 %d ms, %d replays refused, "
                            + "%d server errors, %d unexpected, %d counter mismatches%n",
                    phase.name(), phase.figures().flows(), phase.figures().seconds(), phase.figures().flowsPerSecond(),
                    LoadResults.millis(LoadDriver.percentile(phase.figures().flowLatencies(), 0.5)),
                    LoadResults.millis(LoadDriver.percentile(phase.figures().flowLatencies(), 0.99)), phase.figures().replays(),
                    phase.figures().serverErrors(), phase.figures().unexpected(), phase.counterMismatches().size());
        }
        System.out.println("LoadIT: results in " + sizes.results().toAbsolutePath());
        for (Phase phase : phases) {
            assertTrue(phase.passed(), phase.name() + ": " + phase.figures().serverErrors() + " server errors, " + phase.figures().unexpected()
                    + " unexpected responses " + phase.figures().problems() + ", " + phase.figures().replaysAccepted() + " replays accepted, "
                    + phase.figures().flows() + " flows, counter mismatches " + phase.counterMismatches());
        }
    }

    /** One node on the launcher's default H2 database; accounts are added while it is stopped (H2 serves one process). */
    private Phase onBuiltInDatabase(Sizes sizes) throws Exception {
        Path data = temp.resolve("h2-node");
        String[] flags = {"--port", "0", "--data", data.toString()};
        try (LauncherProcess first = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD), flags)) {
            assertTrue(first.output().contains("Created the administrator 'admin'"), first.output());
        }
        String jdbcUrl = "jdbc:h2:file:" + data.resolve("totpguard");
        List<LoadAccounts.Account> accounts = LoadAccounts.create(jdbcUrl, Optional.empty(), data.resolveSibling(data.getFileName() + "-keys").resolve("totpguard.key"), sizes.accounts(), PASSWORD);
        LoadDriver.Figures figures;
        try (LauncherProcess node = LauncherProcess.start(Map.of(), flags)) {
            figures = drive(sizes, List.of(node.baseUrl()), accounts);
        }
        return new Phase("1 node, built-in H2", "H2 (embedded, launcher default)", figures,
                compare(accounts, LoadAccounts.read(jdbcUrl, Optional.empty())));
    }

    /** Node A alone, then A and B, on one PostgreSQL schema and one key file; the same accounts carry on. */
    private List<Phase> onPostgreSql(Sizes sizes, String jdbcUrl) throws Exception {
        String keyFile = temp.resolve("shared.key").toString();
        Optional<String> user = Optional.of(ScratchDatabase.POSTGRES_USER);
        List<Phase> phases = new ArrayList<>();
        try (LauncherProcess a = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD), "--port", "0",
                "--data", temp.resolve("pg-a").toString(), "--jdbc-url", jdbcUrl, "--jdbc-user", ScratchDatabase.POSTGRES_USER, "--key-file", keyFile)) {
            List<LoadAccounts.Account> accounts = LoadAccounts.create(jdbcUrl, user, Path.of(keyFile), sizes.accounts(), PASSWORD);
            LoadDriver.Figures one = drive(sizes, List.of(a.baseUrl()), accounts);
            phases.add(new Phase("1 node, PostgreSQL", "PostgreSQL", one, compare(accounts, LoadAccounts.read(jdbcUrl, user))));
            try (LauncherProcess b = LauncherProcess.start(Map.of(), "--port", "0", "--data", temp.resolve("pg-b").toString(),
                    "--jdbc-url", jdbcUrl, "--jdbc-user", ScratchDatabase.POSTGRES_USER, "--key-file", keyFile)) {
                LoadDriver.Figures two = drive(sizes, List.of(a.baseUrl(), b.baseUrl()), accounts);
                phases.add(new Phase("2 nodes, one PostgreSQL", "PostgreSQL", two, compare(accounts, LoadAccounts.read(jdbcUrl, user))));
            }
        }
        return phases;
    }

    private static LoadDriver.Figures drive(Sizes sizes, List<String> nodes, List<LoadAccounts.Account> accounts) throws Exception {
        List<List<LoadAccounts.Account>> pools = new ArrayList<>();
        for (int i = 0; i < sizes.virtualAdmins(); i++) {
            pools.add(accounts.subList(i * sizes.accountsPerAdmin(), (i + 1) * sizes.accountsPerAdmin()));
        }
        return new LoadDriver(nodes, PASSWORD, sizes.duration(), sizes.maxFlows(), sizes.replays()).run(pools);
    }

    /**
     * Client against server, per account and cumulative over the phases on one database: accepted codes =
     * CODE_ACCEPTED events, replays = REPLAY_REFUSED events, the last used step is the client's, and no other
     * refusal, lock or store failure happened.
     */
    private static List<String> compare(List<LoadAccounts.Account> accounts, Map<String, LoadAccounts.ServerRecord> server) {
        List<String> mismatches = new ArrayList<>();
        for (LoadAccounts.Account account : accounts) {
            LoadAccounts.ServerRecord record = server.get(account.username());
            if (record == null) {
                mismatches.add(account.username() + ": no credential row");
                continue;
            }
            check(mismatches, account, "CODE_ACCEPTED events", account.accepted(), record.count("CODE_ACCEPTED"));
            check(mismatches, account, "REPLAY_REFUSED events", account.replaysRefused(), record.count("REPLAY_REFUSED"));
            check(mismatches, account, "last used step", account.lastUsedStep(), record.lastUsedStep());
            if (!record.unwanted().isEmpty()) {
                mismatches.add(account.username() + " unwanted events: " + record.unwanted());
            }
        }
        return mismatches;
    }

    private static void check(List<String> mismatches, LoadAccounts.Account account, String what, long client, long server) {
        if (client != server) {
            mismatches.add(account.username() + " " + what + ": client " + client + ", server " + server);
        }
    }

    /** Writes the results file pair. */
    static final class LoadResults {

        private LoadResults() {
        }

        static long millis(long nanos) {
            return Math.round(nanos / 1e6);
        }

        static void write(Sizes sizes, Instant started, double loadBefore, List<Phase> phases) throws IOException {
            Files.createDirectories(sizes.results());
            Files.writeString(sizes.results().resolve("load-results.json"), json(sizes, started, loadBefore, phases), StandardCharsets.UTF_8);
            Files.writeString(sizes.results().resolve("load-results.md"), markdown(sizes, started, loadBefore, phases), StandardCharsets.UTF_8);
        }

        private static String machine() {
            String cpu = "unknown CPU";
            try {
                cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                        .map(line -> line.substring(line.indexOf(':') + 1).strip()).findFirst().orElse(cpu);
            } catch (IOException e) {
                // Not Linux: the CPU model stays unknown.
            }
            return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor")
                    + "); client and nodes share the machine";
        }

        private static String json(Sizes sizes, Instant started, double loadBefore, List<Phase> phases) {
            StringBuilder out = new StringBuilder("{\n");
            out.append("  \"started\": ").append(quote(started.toString())).append(",\n");
            out.append("  \"machine\": ").append(quote(machine())).append(",\n");
            out.append("  \"loadAverageBefore\": ").append(String.format(Locale.ROOT, "%.2f", loadBefore)).append(",\n");
            out.append("  \"virtualAdmins\": ").append(sizes.virtualAdmins()).append(",\n");
            out.append("  \"accountsPerAdmin\": ").append(sizes.accountsPerAdmin()).append(",\n");
            out.append("  \"secondsPerPhase\": ").append(sizes.duration().toSeconds()).append(",\n");
            out.append("  \"maxFlowsPerPhase\": ").append(sizes.maxFlows()).append(",\n");
            out.append("  \"replayBudgetPerPhase\": ").append(sizes.replays()).append(",\n");
            out.append("  \"phases\": [\n");
            for (int p = 0; p < phases.size(); p++) {
                Phase phase = phases.get(p);
                LoadDriver.Figures f = phase.figures();
                out.append("    {\n");
                out.append("      \"name\": ").append(quote(phase.name())).append(",\n");
                out.append("      \"database\": ").append(quote(phase.database())).append(",\n");
                out.append("      \"nodes\": ").append(f.nodes()).append(",\n");
                out.append("      \"accounts\": ").append(f.accounts()).append(",\n");
                out.append("      \"seconds\": ").append(String.format(Locale.ROOT, "%.1f", f.seconds())).append(",\n");
                out.append("      \"flows\": ").append(f.flows()).append(",\n");
                out.append("      \"flowsPerSecond\": ").append(String.format(Locale.ROOT, "%.2f", f.flowsPerSecond())).append(",\n");
                out.append("      \"stepWaitShare\": ").append(String.format(Locale.ROOT, "%.3f", f.stepWaitShare())).append(",\n");
                out.append("      \"loadAverageAtEnd\": ").append(String.format(Locale.ROOT, "%.2f", f.loadAverage())).append(",\n");
                out.append("      \"flowMillis\": ").append(latency(f.flowLatencies())).append(",\n");
                out.append("      \"stepMillis\": {\n");
                List<String> steps = new ArrayList<>(f.steps().keySet());
                for (int s = 0; s < steps.size(); s++) {
                    out.append("        ").append(quote(steps.get(s))).append(": ").append(latency(f.steps().get(steps.get(s))))
                            .append(s + 1 < steps.size() ? ",\n" : "\n");
                }
                out.append("      },\n");
                out.append("      \"replaysRefused\": ").append(f.replays() - f.replaysAccepted()).append(",\n");
                out.append("      \"replaysAccepted\": ").append(f.replaysAccepted()).append(",\n");
                out.append("      \"serverErrors\": ").append(f.serverErrors()).append(",\n");
                out.append("      \"unexpectedResponses\": ").append(f.unexpected()).append(",\n");
                out.append("      \"problems\": [").append(String.join(", ", f.problems().stream().map(LoadResults::quote).toList())).append("],\n");
                out.append("      \"counterMismatches\": [").append(String.join(", ", phase.counterMismatches().stream().limit(20)
                        .map(LoadResults::quote).toList())).append("],\n");
                out.append("      \"passed\": ").append(phase.passed()).append("\n");
                out.append("    }").append(p + 1 < phases.size() ? ",\n" : "\n");
            }
            return out.append("  ]\n}\n").toString();
        }

        private static String latency(long[] sorted) {
            return String.format(Locale.ROOT, "{\"count\": %d, \"p50\": %d, \"p99\": %d, \"max\": %d}", sorted.length,
                    millis(LoadDriver.percentile(sorted, 0.5)), millis(LoadDriver.percentile(sorted, 0.99)),
                    millis(sorted.length == 0 ? 0 : sorted[sorted.length - 1]));
        }

        private static String markdown(Sizes sizes, Instant started, double loadBefore, List<Phase> phases) {
            StringBuilder out = new StringBuilder("# Load test results\n\n");
            out.append("Written by `LoadIT` (example-webapp); run with `example-webapp/load.sh`. Started ").append(started)
                    .append(".\n\n");
            out.append("- Machine: ").append(machine()).append("\n");
            out.append("- Sizes: ").append(sizes.virtualAdmins()).append(" virtual admins x ").append(sizes.accountsPerAdmin())
                    .append(" enrolled accounts each, ").append(sizes.duration().toSeconds()).append(" s per phase, at most ")
                    .append(sizes.maxFlows()).append(" flows and ").append(sizes.replays()).append(" replay attempts per phase\n");
            out.append("- Flow: new session -> /admin/ -> login page -> password (PBKDF2, 600,000 iterations) -> token page -> "
                    + "TOTP code -> dashboard -> own Edit page -> Audit Log -> Help -> log out\n\n");
            out.append("| phase | nodes | flows | flows/s | flow p50 ms | flow p99 ms | replays refused | server errors | unexpected "
                    + "| counters | waiting for a step | load avg | verdict |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
            for (Phase phase : phases) {
                LoadDriver.Figures f = phase.figures();
                out.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %d | %d | %d of %d | %d | %d | %s | %.0f %% | %.1f | %s |%n", phase.name(), f.nodes(),
                        f.flows(), f.flowsPerSecond(), millis(LoadDriver.percentile(f.flowLatencies(), 0.5)),
                        millis(LoadDriver.percentile(f.flowLatencies(), 0.99)), f.replays() - f.replaysAccepted(), f.replays(), f.serverErrors(),
                        f.unexpected(), phase.counterMismatches().isEmpty() ? "exact" : phase.counterMismatches().size() + " mismatches",
                        100 * f.stepWaitShare(), f.loadAverage(), phase.passed() ? "pass" : "FAIL"));
            }
            out.append("\nThe client and every node share the machine's cores, so the two-node phase shows that flows, replays and "
                    + "counters stay right across nodes, not how a cluster scales. The password step (PBKDF2) is most of a flow's "
                    + "time. \"waiting for a step\" is the share of the virtual admins' time spent waiting because every account "
                    + "of their pool had used its current time step (near 0: the nodes, not the pools, set the pace). \"load avg\" "
                    + "is the machine's one-minute load average at the end of the phase, this test's own threads included; "
                    + "compare it between runs, not with the core count. Load average before the run: "
                    + String.format(Locale.ROOT, "%.2f", loadBefore) + ".\n");
            out.append("\nPer step, milliseconds (p50 / p99):\n\n| step |");
            phases.forEach(phase -> out.append(' ').append(phase.name()).append(" |"));
            out.append("\n| --- |");
            phases.forEach(phase -> out.append(" --- |"));
            out.append('\n');
            for (String step : LoadDriver.STEPS) {
                out.append("| ").append(step).append(" |");
                for (Phase phase : phases) {
                    long[] sorted = phase.figures().steps().get(step);
                    out.append(String.format(Locale.ROOT, " %d / %d |", millis(LoadDriver.percentile(sorted, 0.5)),
                            millis(LoadDriver.percentile(sorted, 0.99))));
                }
                out.append('\n');
            }
            out.append("\nCounters: for every load account, the client's accepted codes equal the server's CODE_ACCEPTED audit "
                    + "events, its refused replays equal REPLAY_REFUSED events, its last used step equals the stored one, and there "
                    + "is no CODE_REFUSED, LOCKED_OUT, STORE_UNAVAILABLE or RECOVERY_CODE_REFUSED event.\n");
            return out.toString();
        }

        private static String quote(String text) {
            StringBuilder out = new StringBuilder("\"");
            for (char c : text.toCharArray()) {
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            return out.append('"').toString();
        }
    }
}
