package dev.totpguard.distribution;

import dev.totpguard.testkit.ChildProcess;
import dev.totpguard.testkit.ExternalRequirement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Where the build left the TOTP Guard archives and the unpacked, unmodified containers. */
final class Distributions {

    /** How long a container may take to serve its first HTTP answer on a loaded CI machine. */
    static final Duration CONTAINER_START = Duration.ofSeconds(120);

    private Distributions() {
    }

    /** The unpacked container, e.g. {@code apache-tomcat-11.0.15}; skips (fails in CI) if Maven did not unpack it. */
    static Path container(String directoryName) {
        Path dir = Path.of(System.getProperty("totpguard.containers.dir", "target/containers")).resolve(directoryName);
        ExternalRequirement.assumeOrFail(Files.isDirectory(dir),
                dir + " (unpacked by maven-dependency-plugin in pre-integration-test; run ./mvnw verify)");
        return dir;
    }

    /**
     * Unpacks the TOTP Guard archive {@code totpguard-VERSION-<flavour>.tar.gz} the build made into
     * {@code into} with the system's tar, as an operator would, and returns its top directory.
     */
    static Path unpackTotpGuard(String flavour, Path into) throws IOException, InterruptedException {
        String base = "totpguard-" + System.getProperty("totpguard.version") + "-" + flavour;
        Path archive = Path.of(System.getProperty("totpguard.distribution.dir", "target")).resolve(base + ".tar.gz");
        if (!Files.isRegularFile(archive)) {
            throw new AssertionError(archive + " is missing: the package phase builds it");
        }
        Files.createDirectories(into);
        ChildProcess.run(List.of("tar", "xzf", archive.toAbsolutePath().toString()), into, into.resolve("tar.log"));
        return into.resolve(base);
    }

    /** Copies every regular file of {@code from} into {@code to}, keeping relative paths. */
    static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
