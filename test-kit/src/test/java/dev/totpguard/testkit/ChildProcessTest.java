package dev.totpguard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {

    @TempDir
    Path temp;

    @Test
    void theReadyLineIsFoundAndTheOutputKeptAndLogged() throws Exception {
        Path log = temp.resolve("logs/child.log");
        try (ChildProcess child = ChildProcess.start("sh", new ProcessBuilder("sh", "-c",
                "echo starting; echo 'running at port 4711' >&2; sleep 30"), log)) {
            assertEquals("4711", child.awaitLine(Pattern.compile("port (\\d+)"), Duration.ofSeconds(10)).group(1));
            assertEquals(List.of("running at port 4711"), child.linesWith("port"));
            assertTrue(child.stop(Duration.ofSeconds(10)), "sh ends on SIGTERM");
            assertFalse(child.isAlive());
        }
        assertTrue(Files.readString(log).contains("starting"));
    }

    @Test
    void anEndWithoutTheReadyLineFailsQuotingTheOutput() throws Exception {
        try (ChildProcess child = ChildProcess.start("sh", new ProcessBuilder("sh", "-c", "echo no luck; exit 2"))) {
            IOException failed = assertThrows(IOException.class,
                    () -> child.awaitLine(Pattern.compile("ready"), Duration.ofSeconds(10)));
            assertTrue(failed.getMessage().contains("no luck"), failed.getMessage());
            assertEquals(2, child.awaitExit(Duration.ofSeconds(10)));
        }
    }

    @Test
    void standardInputReachesTheProgram() throws Exception {
        try (ChildProcess child = ChildProcess.start("cat", new ProcessBuilder("cat"))) {
            try (var in = child.stdin()) {
                in.write("typed\n".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(0, child.awaitExit(Duration.ofSeconds(10)));
            assertEquals("typed", child.output());
        }
    }

    @Test
    void runFailsOnANonZeroExit() {
        AssertionError failed = assertThrows(AssertionError.class,
                () -> ChildProcess.run(List.of("sh", "-c", "echo why; exit 3"), temp, temp.resolve("run.log")));
        assertTrue(failed.getMessage().contains("exit 3") && failed.getMessage().contains("why"), failed.getMessage());
    }
}
