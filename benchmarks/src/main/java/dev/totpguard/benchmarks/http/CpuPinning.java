package dev.totpguard.benchmarks.http;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Puts the server and the load client on separate cores with {@code taskset} (util-linux), so that neither takes
 * CPU time from the other and the server's share of its core can be read off directly. Without {@code taskset}, or
 * with fewer than two cores, nothing is pinned and {@link #description()} says so. Immutable.
 */
public final class CpuPinning {

    private final Optional<Path> taskset;
    private final int serverCpu;
    private final int clientCpu;
    private final String description;

    private CpuPinning(Optional<Path> taskset, int serverCpu, int clientCpu, String description) {
        this.taskset = taskset;
        this.serverCpu = serverCpu;
        this.clientCpu = clientCpu;
        this.description = description;
    }

    /** Pinning to these cores when {@code taskset} is on the {@code PATH} and the machine has two cores or more. */
    public static CpuPinning detect(int serverCpu, int clientCpu) {
        if (serverCpu == clientCpu) {
            throw new IllegalArgumentException("the server and the client need different cores, not both " + serverCpu);
        }
        Optional<Path> taskset = onPath("taskset");
        int cores = Runtime.getRuntime().availableProcessors();
        if (taskset.isEmpty()) {
            return new CpuPinning(Optional.empty(), serverCpu, clientCpu, "not pinned: taskset is not installed (util-linux)");
        }
        if (cores < 2) {
            return new CpuPinning(Optional.empty(), serverCpu, clientCpu, "not pinned: only " + cores + " core available");
        }
        return new CpuPinning(taskset, serverCpu, clientCpu, "server on CPU " + serverCpu + ", client on CPU " + clientCpu + " (taskset)");
    }

    /** Whether the processes are pinned. */
    public boolean pinned() {
        return taskset.isPresent();
    }

    public String description() {
        return description;
    }

    /** What to put before the server's command line: {@code taskset -c N}, or nothing. */
    public List<String> serverPrefix() {
        return taskset.map(path -> List.of(path.toString(), "-c", Integer.toString(serverCpu))).orElse(List.of());
    }

    /**
     * Moves every thread of this JVM to the client's core ({@code taskset -a -p -c N PID}); threads started later
     * inherit it. Returns this, or an unpinned copy saying why pinning failed.
     */
    public CpuPinning pinThisProcessToClientCpu() throws InterruptedException {
        if (taskset.isEmpty()) {
            return this;
        }
        List<String> command = List.of(taskset.get().toString(), "-a", "-p", "-c", Integer.toString(clientCpu),
                Long.toString(ProcessHandle.current().pid()));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return unpinned("taskset did not answer");
            }
            if (process.exitValue() != 0) {
                return unpinned("taskset -a -p -c " + clientCpu + " failed with status " + process.exitValue() + " (no such CPU?)");
            }
            return this;
        } catch (IOException e) {
            return unpinned("taskset could not be run: " + e.getMessage());
        }
    }

    private CpuPinning unpinned(String why) {
        return new CpuPinning(Optional.empty(), serverCpu, clientCpu, "not pinned: " + why);
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
