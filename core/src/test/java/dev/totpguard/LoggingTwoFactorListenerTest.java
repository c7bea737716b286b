package dev.totpguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.totpguard.testkit.RecordingLogger;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoggingTwoFactorListenerTest {

    static final Instant NOW = Instant.parse("2024-03-01T10:00:00Z");

    @Test
    void oneLinePerEventWithUserAndOutcome() {
        RecordingLogger logger = new RecordingLogger();
        LoggingTwoFactorListener listener = new LoggingTwoFactorListener(logger);

        listener.onEvent(TwoFactorEvent.builder(TwoFactorEvent.Type.CODE_REFUSED, "alice", NOW)
                .clientAddress("192.0.2.1").detail("invalid code").build());
        listener.onEvent(TwoFactorEvent.builder(TwoFactorEvent.Type.RESET, "bob", NOW).actor("admin").build());

        assertEquals(List.of(
                "WARNING totpguard CODE_REFUSED user=\"alice\" from=\"192.0.2.1\" detail=\"invalid code\"",
                "INFO totpguard RESET user=\"bob\" actor=\"admin\""), logger.lines());
    }

    @Test
    void crafterUserNameCannotForgeALogLine() {
        String line = LoggingTwoFactorListener.format(TwoFactorEvent.builder(TwoFactorEvent.Type.CODE_ACCEPTED,
                "eve\nINFO totpguard CODE_ACCEPTED user=\"admin\"", NOW).build());

        assertFalse(line.contains("\n"), line);
        assertEquals("totpguard CODE_ACCEPTED user=\"eve?INFO totpguard CODE_ACCEPTED user=?admin?\"", line);
    }
}
