package dev.totpguard.example;

import dev.totpguard.otp.Totp;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs virtual admins against one or more nodes for a bounded time and a bounded number of flows, and measures
 * them. Each virtual admin is one thread with one {@link WebClient} per node, and owns a pool of
 * {@link LoadAccounts.Account}s. A flow is what a person does: a new browser session opens the admin area and is
 * sent to the login page, signs in with the password, types the current code on TOTP Guard's token page, opens
 * three admin pages (own Edit page, Audit Log, Help) and logs out.
 *
 * <p><b>Why pools of accounts.</b> The nodes run on the real clock and accept every time step of an account
 * once (that is the replay protection under test, and the test does not loosen it). One account can therefore
 * pass the code step at most once per 30 s step (plus once for the step ahead when the run starts). A virtual
 * admin picks, round robin, an account of its pool whose next unused step is inside the server's window now,
 * and waits for the next step only when none is left; the pool size sets the highest rate a virtual admin can
 * reach ({@code accounts / 30 s}).
 *
 * <p><b>Replays.</b> Paced evenly over the run, up to a budget, a flow's accepted code is posted again from a
 * new session on the next node (the other one of two): it must be refused. The budget exists because every
 * refusal counts against the per-address limit (50 failures in 15 minutes by default) and all load comes from
 * 127.0.0.1.
 *
 * <p>With two nodes the flows alternate between the nodes (each flow on one node, since HTTP sessions are per
 * node), and every replay goes to the node that did not accept the code.
 */
final class LoadDriver {

    static final String STEP_LOGIN_PAGE = "open admin area -> login page";
    static final String STEP_PASSWORD = "password -> token page";
    static final String STEP_CODE = "token code -> dashboard";
    static final String STEP_EDIT = "admin page: own Edit";
    static final String STEP_AUDIT = "admin page: Audit Log";
    static final String STEP_HELP = "admin page: Help";
    static final String STEP_LOGOUT = "log out";
    static final String STEP_REPLAY = "replay on next node (refused)";
    static final List<String> STEPS = List.of(STEP_LOGIN_PAGE, STEP_PASSWORD, STEP_CODE, STEP_EDIT, STEP_AUDIT, STEP_HELP, STEP_LOGOUT, STEP_REPLAY);

    private static final int MAX_PROBLEMS_KEPT = 20;

    private final List<String> nodes;
    private final String password;
    private final Duration duration;
    private final int maxFlows;
    private final int replayBudget;

    /**
     * @param nodes base URLs of the nodes
     * @param duration how long virtual admins start new flows (flows under way finish)
     * @param maxFlows the most flows started, over all virtual admins
     * @param replayBudget the most replay attempts
     */
    LoadDriver(List<String> nodes, String password, Duration duration, int maxFlows, int replayBudget) {
        this.nodes = List.copyOf(nodes);
        this.password = password;
        this.duration = duration;
        this.maxFlows = maxFlows;
        this.replayBudget = replayBudget;
    }

    /**
     * What one run measured. Latencies in nanoseconds, sorted. {@code stepWaitShare} is the share of the virtual
     * admins' time spent waiting because no account of their pool had an unused time step (0 when the pools were
     * big enough and the nodes set the pace). {@code loadAverage} is the machine's one-minute load average at the
     * end, this run's own threads included (negative where the system does not report it).
     */
    record Figures(int nodes, int virtualAdmins, int accounts, double seconds, int flows, int replays, int serverErrors,
                   int unexpected, int replaysAccepted, List<String> problems, Map<String, long[]> steps, long[] flowLatencies,
                   double stepWaitShare, double loadAverage) {

        double flowsPerSecond() {
            return flows / seconds;
        }
    }

    /** Runs one virtual admin per pool, all at once, and waits for them. */
    Figures run(List<List<LoadAccounts.Account>> pools) throws Exception {
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        AtomicInteger flowsStarted = new AtomicInteger();
        AtomicInteger replaysStarted = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(pools.size());
        List<Recorder> recorders = new ArrayList<>();
        try {
            List<Future<Recorder>> running = new ArrayList<>();
            for (int i = 0; i < pools.size(); i++) {
                VirtualAdmin admin = new VirtualAdmin(i, pools.get(i), start, deadline, flowsStarted, replaysStarted);
                running.add(threads.submit(admin::run));
            }
            for (Future<Recorder> admin : running) {
                recorders.add(admin.get(duration.toSeconds() + 300, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double loadAverage = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Recorder all = new Recorder();
        recorders.forEach(all::add);
        Map<String, long[]> steps = new LinkedHashMap<>();
        for (String step : STEPS) {
            steps.put(step, sorted(all.steps.getOrDefault(step, List.of())));
        }
        int accounts = pools.stream().mapToInt(List::size).sum();
        return new Figures(nodes.size(), pools.size(), accounts, seconds, all.flows.size(), all.replays, all.serverErrors, all.unexpected,
                all.replaysAccepted, List.copyOf(all.problems), steps, sorted(all.flows),
                all.waitedNanos / (seconds * 1e9 * pools.size()), loadAverage);
    }

    /** Nearest-rank percentile of sorted values; 0 for none. */
    static long percentile(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static long[] sorted(List<Long> values) {
        long[] array = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(array);
        return array;
    }

    /** The measurements of one virtual admin (confined to its thread until merged). */
    private static final class Recorder {
        final Map<String, List<Long>> steps = new LinkedHashMap<>();
        final List<Long> flows = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        int replays;
        int serverErrors;
        int unexpected;
        int replaysAccepted;
        long waitedNanos;

        void step(String name, long nanos) {
            steps.computeIfAbsent(name, k -> new ArrayList<>()).add(nanos);
        }

        void problem(String message) {
            unexpected++;
            if (problems.size() < MAX_PROBLEMS_KEPT) {
                problems.add(message);
            }
        }

        void add(Recorder other) {
            other.steps.forEach((name, values) -> steps.computeIfAbsent(name, k -> new ArrayList<>()).addAll(values));
            flows.addAll(other.flows);
            other.problems.stream().limit(Math.max(0, MAX_PROBLEMS_KEPT - problems.size())).forEach(problems::add);
            replays += other.replays;
            serverErrors += other.serverErrors;
            unexpected += other.unexpected;
            replaysAccepted += other.replaysAccepted;
            waitedNanos += other.waitedNanos;
        }
    }

    /** A response other than the one a person would get; the message names step, node, status and path, never a secret. */
    private static final class UnexpectedResponse extends Exception {
        UnexpectedResponse(String message) {
            super(message, null, false, false);
        }
    }

    @FunctionalInterface
    private interface Request {
        WebClient.Page send() throws IOException, InterruptedException;
    }

    private final class VirtualAdmin {

        private final int index;
        private final List<LoadAccounts.Account> pool;
        private final long start;
        private final long deadline;
        private final AtomicInteger flowsStarted;
        private final AtomicInteger replaysStarted;
        private final List<WebClient> clients = new ArrayList<>();
        private final Totp totp = Totp.builder().build();
        private final Recorder recorder = new Recorder();
        private int cursor;

        VirtualAdmin(int index, List<LoadAccounts.Account> pool, long start, long deadline, AtomicInteger flowsStarted,
                     AtomicInteger replaysStarted) {
            this.index = index;
            this.pool = pool;
            this.start = start;
            this.deadline = deadline;
            this.flowsStarted = flowsStarted;
            this.replaysStarted = replaysStarted;
            for (String node : nodes) {
                clients.add(new WebClient(node));
            }
        }

        Recorder run() throws InterruptedException {
            int flow = 0;
            while (System.nanoTime() < deadline) {
                long current = totp.currentStep();
                LoadAccounts.Account account = nextUsable(current);
                if (account == null) {
                    waitForStep(current + 1);
                    continue;
                }
                if (flowsStarted.getAndIncrement() >= maxFlows) {
                    break;
                }
                long step = Math.max(account.lastUsedStep() + 1, current);
                int node = (index + flow) % nodes.size();
                flow++;
                try {
                    flow(account, step, node);
                } catch (UnexpectedResponse e) {
                    recorder.problem(e.getMessage());
                } catch (IOException e) {
                    recorder.problem(account.username() + " on node " + node + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
                } catch (RuntimeException | AssertionError e) {
                    // WebClient's own checks (a missing button or label) end up here.
                    recorder.problem(account.username() + " on node " + node + ": " + e.getClass().getSimpleName() + ": "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                }
            }
            return recorder;
        }

        /** The next account of the pool, round robin, whose next unused step is inside the server's window. */
        private LoadAccounts.Account nextUsable(long current) {
            for (int i = 0; i < pool.size(); i++) {
                LoadAccounts.Account account = pool.get((cursor + i) % pool.size());
                if (account.lastUsedStep() + 1 <= current + 1) {
                    cursor = (cursor + i + 1) % pool.size();
                    return account;
                }
            }
            return null;
        }

        private void waitForStep(long step) throws InterruptedException {
            long until = Math.min(totp.parameters().t0().plusSeconds(step * totp.parameters().periodSeconds()).toEpochMilli() + 100 - System.currentTimeMillis(),
                    TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1);
            if (until > 0) {
                long slept = System.nanoTime();
                Thread.sleep(until);
                recorder.waitedNanos += System.nanoTime() - slept;
            }
        }

        private void flow(LoadAccounts.Account account, long step, int node) throws IOException, InterruptedException, UnexpectedResponse {
            WebClient client = clients.get(node);
            String user = account.username();
            client.newSession();
            long flowStart = System.nanoTime();
            WebClient.Page login = timed(STEP_LOGIN_PAGE, node, user, "/login", () -> client.get("/admin/"));
            WebClient.Page token = timed(STEP_PASSWORD, node, user, "/totpguard/",
                    () -> client.press(login, "Login", Map.of("j_username", user, "j_password", password)));
            String code = totp.generateAtStep(account.secret(), step);
            String field = token.labelled("Token Code").attr("name");
            WebClient.Page dashboard = timed(STEP_CODE, node, user, "/admin/", () -> client.press(token, "Verify", Map.of(field, code)));
            account.codeAccepted(step);
            timed(STEP_EDIT, node, user, "/admin/setup/staff/administrators/edit",
                    () -> client.get("/admin/setup/staff/administrators/edit?user=" + user));
            timed(STEP_AUDIT, node, user, "/admin/setup/staff/audit-log", () -> client.get("/admin/setup/staff/audit-log"));
            WebClient.Page help = timed(STEP_HELP, node, user, "/admin/help", () -> client.click(dashboard, "Help"));
            timed(STEP_LOGOUT, node, user, "/login", () -> client.logout(help));
            recorder.flows.add(System.nanoTime() - flowStart);
            if (replayDue()) {
                replay(account, code, (node + 1) % nodes.size());
            }
        }

        /** True when a replay is due to keep the attempts spread evenly over the run, and reserves it. */
        private boolean replayDue() {
            double elapsed = (double) (System.nanoTime() - start) / (deadline - start);
            int due = (int) Math.ceil(replayBudget * Math.min(1.0, elapsed));
            int done = replaysStarted.get();
            return done < due && replaysStarted.compareAndSet(done, done + 1);
        }

        private void replay(LoadAccounts.Account account, String code, int node) throws IOException, InterruptedException, UnexpectedResponse {
            WebClient client = clients.get(node);
            String user = account.username();
            client.newSession();
            WebClient.Page login = client.get("/admin/");
            expect("replay: " + STEP_LOGIN_PAGE, node, user, login, "/login");
            WebClient.Page token = client.press(login, "Login", Map.of("j_username", user, "j_password", password));
            expect("replay: " + STEP_PASSWORD, node, user, token, "/totpguard/");
            String field = token.labelled("Token Code").attr("name");
            long sent = System.nanoTime();
            WebClient.Page refused = client.press(token, "Verify", Map.of(field, code));
            recorder.step(STEP_REPLAY, System.nanoTime() - sent);
            recorder.replays++;
            if (refused.path().equals("/admin/")) {
                recorder.replaysAccepted++;
                throw new UnexpectedResponse("a replayed code of " + user + " was ACCEPTED on node " + node);
            }
            expect(STEP_REPLAY, node, user, refused, "/totpguard/");
            if (!refused.text().contains("Invalid code")) {
                throw new UnexpectedResponse(STEP_REPLAY + " for " + user + " on node " + node + ": no 'Invalid code' message");
            }
            account.replayRefused();
        }

        private WebClient.Page timed(String step, int node, String user, String expectedPath, Request request)
                throws IOException, InterruptedException, UnexpectedResponse {
            long sent = System.nanoTime();
            WebClient.Page page = request.send();
            recorder.step(step, System.nanoTime() - sent);
            expect(step, node, user, page, expectedPath);
            return page;
        }

        /** A 200 whose path is {@code expected}, or starts with it when it ends with a slash and is not /admin/. */
        private void expect(String step, int node, String user, WebClient.Page page, String expected) throws UnexpectedResponse {
            if (page.status() >= 500) {
                recorder.serverErrors++;
            }
            boolean pathMatches = expected.endsWith("/") && !expected.equals("/admin/") ? page.path().startsWith(expected) : page.path().equals(expected);
            if (page.status() != 200 || !pathMatches) {
                throw new UnexpectedResponse("'" + step + "' for " + user + " on node " + node + ": status " + page.status() + " at " + page.path()
                        + ", expected 200 at " + expected);
            }
        }
    }
}
