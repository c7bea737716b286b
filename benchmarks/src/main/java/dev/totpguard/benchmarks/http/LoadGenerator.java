package dev.totpguard.benchmarks.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The load client: a fixed number of threads, each with its own {@link KeepAliveConnection} to the server, all
 * sending the same GET on the same signed-in session.
 *
 * <ul>
 *   <li>{@link #closedLoop}: every thread sends its next request as soon as the previous response arrived, for a
 *       fixed time: the saturation throughput (and a warm-up).</li>
 *   <li>{@link #openLoop}: requests leave at the times of an {@link OpenLoopSchedule}, whatever the responses do.
 *       Each thread takes the next unsent request, waits for its intended time and sends it; latency is measured
 *       from the intended time, so requests that had to wait for a free thread (because the server stalled) are
 *       charged that wait.</li>
 * </ul>
 *
 * A run is bounded in count and in time: it ends at the schedule's last request plus the response time-out, and
 * whatever was not sent or answered by then counts as failed. Immutable; every run makes its own threads.
 */
public final class LoadGenerator {

    /**
     * A thread waits for its intended send time by parking until this long before it, then spinning, because a
     * parked thread wakes up late by the kernel's timer slack (about 50 us on Linux), which would be charged to
     * every request as latency.
     */
    static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(60);

    private final InetSocketAddress server;
    private final String path;
    private final String cookie;
    private final int timeoutMillis;

    public LoadGenerator(InetSocketAddress server, String path, String cookie, int timeoutMillis) {
        this.server = server;
        this.path = path;
        this.cookie = cookie;
        this.timeoutMillis = timeoutMillis;
        KeepAliveConnection.getRequest(server, path, cookie);
    }

    /** Every thread sends back to back for {@code seconds}. */
    public LoadRun closedLoop(int threads, double seconds) throws InterruptedException {
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger non2xx = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lastBody = new AtomicLong();
        AtomicReference<String> problem = new AtomicReference<>();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        AtomicLong lastResponse = new AtomicLong(start);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(start("closed-loop-" + t, () -> {
                try (KeepAliveConnection connection = connection()) {
                    while (System.nanoTime() < end) {
                        sent.incrementAndGet();
                        try {
                            HttpResponseReader.Response response = connection.get();
                            completed.incrementAndGet();
                            lastBody.set(response.bodyBytes());
                            if (response.status() / 100 != 2) {
                                non2xx.incrementAndGet();
                                problem.compareAndSet(null, "HTTP status " + response.status());
                            }
                        } catch (IOException e) {
                            failed.incrementAndGet();
                            problem.compareAndSet(null, e.toString());
                        }
                    }
                    lastResponse.accumulateAndGet(System.nanoTime(), Math::max);
                }
            }));
        }
        joinAll(workers);
        return new LoadRun(new long[0], new long[0], sent.get(), completed.get(), non2xx.get(), failed.get(),
                Optional.ofNullable(problem.get()), lastResponse.get() - start, lastBody.get());
    }

    /** Sends the requests of {@code schedule} from {@code threads} threads. */
    public LoadRun openLoop(OpenLoopSchedule schedule, int threads) throws InterruptedException {
        int count = schedule.count();
        long[] latency = new long[count];
        long[] service = new long[count];
        boolean[] done = new boolean[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger non2xx = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lastBody = new AtomicLong();
        AtomicReference<String> problem = new AtomicReference<>();
        long deadline = schedule.lastSendTimeNanos() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        AtomicLong lastResponse = new AtomicLong(schedule.startNanos());
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(start("open-loop-" + t, () -> {
                try (KeepAliveConnection connection = connection()) {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        long intended = schedule.sendTimeNanos(i);
                        waitUntil(intended);
                        long sentAt = System.nanoTime();
                        if (sentAt > deadline) {
                            break;
                        }
                        try {
                            HttpResponseReader.Response response = connection.get();
                            long end = System.nanoTime();
                            latency[i] = end - intended;
                            service[i] = end - sentAt;
                            done[i] = true;
                            lastBody.set(response.bodyBytes());
                            lastResponse.accumulateAndGet(end, Math::max);
                            if (response.status() / 100 != 2) {
                                non2xx.incrementAndGet();
                                problem.compareAndSet(null, "HTTP status " + response.status() + " for request " + i);
                            }
                        } catch (IOException e) {
                            failed.incrementAndGet();
                            problem.compareAndSet(null, e + " for request " + i);
                        }
                    }
                }
            }));
        }
        joinAll(workers);
        // Thread.join orders every worker's writes before these reads. Completed requests are packed to the front.
        int completed = 0;
        for (int i = 0; i < count; i++) {
            if (done[i]) {
                latency[completed] = latency[i];
                service[completed] = service[i];
                completed++;
            }
        }
        int notSent = count - completed - failed.get();
        if (notSent > 0) {
            problem.compareAndSet(null, notSent + " requests not answered before the deadline");
        }
        return new LoadRun(latency, service, count, completed, non2xx.get(), failed.get() + notSent, Optional.ofNullable(problem.get()),
                lastResponse.get() - schedule.startNanos(), lastBody.get());
    }

    private KeepAliveConnection connection() {
        return new KeepAliveConnection(server, path, cookie, timeoutMillis);
    }

    private static void waitUntil(long nanoTime) {
        long left = nanoTime - System.nanoTime();
        if (left > SPIN_NANOS) {
            LockSupport.parkNanos(left - SPIN_NANOS);
        }
        while (System.nanoTime() < nanoTime) {
            Thread.onSpinWait();
        }
    }

    private static Thread start(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void joinAll(List<Thread> workers) throws InterruptedException {
        for (Thread worker : workers) {
            worker.join();
        }
    }
}
