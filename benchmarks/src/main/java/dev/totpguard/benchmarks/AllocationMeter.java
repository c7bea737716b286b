package dev.totpguard.benchmarks;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.EnumSet;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bytes that the filters between two marks allocate per request, exactly: a filter mapped first reads the
 * server thread's allocation counter ({@code com.sun.management.ThreadMXBean.getCurrentThreadAllocatedBytes}), one
 * mapped last reads it again, on the same thread, before the servlet runs. With nothing between the marks the result
 * is what the container's filter chain itself costs; with {@code TotpFilter} between them, the difference is the
 * filter's own allocation on a request it lets through (the verified hot path), free of the garbage collector's and
 * the rest of Jetty's noise that {@code -prof gc} sees. Only requests that reach the second mark count.
 */
final class AllocationMeter {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** The counter at the first mark, per server thread: a preallocated slot, so the meter allocates nothing. */
    private final ThreadLocal<long[]> start = ThreadLocal.withInitial(() -> new long[1]);
    private final LongAdder bytes = new LongAdder();
    private final LongAdder requests = new LongAdder();

    /** Maps the first mark before every other filter of {@code context}. */
    void addStart(ServletContext context) {
        Filter first = (request, response, chain) -> {
            start.get()[0] = THREADS.getCurrentThreadAllocatedBytes();
            chain.doFilter(request, response);
        };
        context.addFilter("allocation-start", first).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    }

    /** Maps the second mark after the filters registered so far. */
    void addEnd(ServletContext context) {
        Filter last = new Filter() {
            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                    throws IOException, ServletException {
                long now = THREADS.getCurrentThreadAllocatedBytes();
                bytes.add(now - start.get()[0]);
                requests.increment();
                chain.doFilter(request, response);
            }
        };
        context.addFilter("allocation-end", last).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }

    /** Clears the counts (after the set-up's requests). */
    void reset() {
        bytes.reset();
        requests.reset();
    }

    long requests() {
        return requests.sum();
    }

    /** Mean bytes allocated between the marks per request. */
    double bytesPerRequest() {
        long count = requests.sum();
        return count == 0 ? Double.NaN : (double) bytes.sum() / count;
    }
}
