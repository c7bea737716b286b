package dev.totpguard.benchmarks.http;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The retained heap of another JVM on this machine (the server), read over JMX through the attach API (the JDK's
 * local management agent, as {@code jcmd} and JConsole use it): no option on the server's command line, and exact
 * byte counts rather than timings.
 */
final class ServerHeap implements AutoCloseable {

    /** One row of {@code GC.class_histogram}: {@code "  1:   12345   678901  [B (java.base@17.0.15)"}. */
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(.+?)\\s*$");
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");
    private static final int GCS = 3;

    private final JMXConnector connector;
    private final MemoryMXBean memory;
    private final MBeanServerConnection connection;

    private ServerHeap(JMXConnector connector) throws IOException {
        this.connector = connector;
        this.connection = connector.getMBeanServerConnection();
        this.memory = ManagementFactory.newPlatformMXBeanProxy(connection, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
    }

    /** Attaches to the JVM with this process id and starts (or finds) its local management agent. */
    static ServerHeap attach(long pid) throws IOException {
        String address;
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
        } catch (AttachNotSupportedException e) {
            throw new IOException("cannot attach to the server JVM " + pid + " (a JDK, not a JRE, and the same user are needed)", e);
        }
        return new ServerHeap(JMXConnectorFactory.connect(new JMXServiceURL(address)));
    }

    /**
     * What the server's heap holds after full collections.
     *
     * @param usedAfterGc the least {@code MemoryMXBean} used-heap figure over three {@code System.gc()}s (the first
     *     finishes what finalisation and reference processing left)
     * @param liveBytes the total of {@code GC.class_histogram}, which runs its own full collection: the bytes of all
     *     reachable objects
     * @param liveInstances its count of reachable objects
     * @param bytesByClass its bytes per class name, to say what grew
     */
    record Retained(long usedAfterGc, long liveBytes, long liveInstances, Map<String, Long> bytesByClass) {
    }

    Retained retained() throws IOException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < GCS; i++) {
            memory.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return retained(used, classHistogram());
    }

    /** The figures from a used-heap figure and the text of {@code GC.class_histogram}. */
    static Retained retained(long usedAfterGc, String histogram) throws IOException {
        Map<String, Long> bytesByClass = new HashMap<>();
        long total = -1;
        long instances = -1;
        for (String line : histogram.split("\n")) {
            Matcher row = HISTOGRAM_ROW.matcher(line);
            if (row.matches()) {
                bytesByClass.merge(row.group(3), Long.parseLong(row.group(2)), Long::sum);
                continue;
            }
            Matcher sum = HISTOGRAM_TOTAL.matcher(line);
            if (sum.matches()) {
                instances = Long.parseLong(sum.group(1));
                total = Long.parseLong(sum.group(2));
            }
        }
        if (total < 0 || bytesByClass.values().stream().mapToLong(Long::longValue).sum() != total) {
            throw new IOException("GC.class_histogram's rows do not add up to its Total line:\n" + histogram);
        }
        return new Retained(usedAfterGc, total, instances, Map.copyOf(bytesByClass));
    }

    /** {@code jcmd PID GC.class_histogram}, through the DiagnosticCommand MBean. */
    private String classHistogram() throws IOException {
        try {
            return (String) connection.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IOException("GC.class_histogram failed on the server", e);
        }
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
