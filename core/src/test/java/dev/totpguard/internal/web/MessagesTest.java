package dev.totpguard.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;

class MessagesTest {

    private final Messages messages = new Messages(Messages.DEFAULT_BASE_NAME, List.of(Locale.ENGLISH, Locale.GERMAN));
    private final ResourceBundle english = messages.bundle("en");

    @Test
    void onlyConfiguredLanguagesComeOut() {
        assertEquals(Locale.GERMAN, messages.locale("de-CH, fr;q=0.8"));
        assertEquals(Locale.ENGLISH, messages.locale("fr"));
        assertEquals(Locale.ENGLISH, messages.locale(null));
        assertEquals(Locale.ENGLISH, messages.locale(";;;q=x, -"));
        assertEquals(Locale.ENGLISH, messages.locale("de".repeat(1000)));
        assertThrows(IllegalArgumentException.class, () -> new Messages(Messages.DEFAULT_BASE_NAME, List.of()));
    }

    @Test
    void textsAreFormattedAndAMissingKeyShowsItself() {
        assertEquals("Signed in as alice", Messages.text(english, "signed.in.as", "alice"));
        assertEquals("Too many attempts. Try again in 2 minutes.",
                Messages.text(english, "token.locked", Duration.ofSeconds(61)));
        assertEquals("no.such.key", Messages.text(english, "no.such.key"));
    }

    @Test
    void durationsAreRoundedUpSoNobodyRetriesTooEarly() {
        assertEquals("1 second", Messages.duration(english, Duration.ofMillis(10)));
        assertEquals("45 seconds", Messages.duration(english, Duration.ofSeconds(45)));
        assertEquals("1 minute", Messages.duration(english, Duration.ofSeconds(60)));
        assertEquals("2 hours", Messages.duration(english, Duration.ofMinutes(120)));
        assertEquals(2, Messages.ceilSeconds(Duration.ofMillis(1001)));
    }

    @Test
    void theTextsScopeHoldsTheBundlesKeysAndNoOthers() {
        Map<String, String> texts = Messages.texts(english);
        assertTrue(texts.containsKey("token.intro"));
        assertEquals("Sign out", texts.get("sign.out"));
        assertFalse(texts.containsKey("token.intr"));
        assertNull(texts.get("token.intr"));
        assertTrue(texts.containsKey("sam.failed"), "the Jakarta Authentication module's texts are in the same bundle");
    }
}
