package dev.totpguard.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.totpguard.testkit.MessageBundles;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The built-in bundle of the filter's and the Jakarta Authentication module's pages, in every shipped language. */
class ShippedTranslationsTest {

    @Test
    void everyShippedLanguageHasEveryKeyOfTheEnglishBundle() {
        MessageBundles.assertComplete(Messages.class.getClassLoader(), Messages.DEFAULT_BASE_NAME,
                Messages.SHIPPED_LOCALES.subList(1, Messages.SHIPPED_LOCALES.size()));
    }

    @Test
    void eachBundleNamesItsOwnLanguageForTheHtmlLangAttribute() {
        Messages messages = new Messages(Messages.DEFAULT_BASE_NAME, Messages.SHIPPED_LOCALES);
        for (Locale locale : Messages.SHIPPED_LOCALES) {
            ResourceBundle bundle = messages.bundle(locale.toLanguageTag());
            assertEquals(locale.getLanguage(), bundle.getString("lang"));
        }
    }

    @Test
    void germanTextsKeepTheirUmlautsAndFormatTheirArguments() {
        ResourceBundle german = new Messages(Messages.DEFAULT_BASE_NAME, Messages.SHIPPED_LOCALES).bundle("de-DE");
        assertEquals("Zu viele Versuche. Versuchen Sie es in 2 Minuten erneut.",
                Messages.text(german, "token.locked", Duration.ofSeconds(61)));
        assertEquals("Änderungen speichern", Messages.text(german, "enroll.submit"));
        assertEquals("1 Sekunde", Messages.duration(german, Duration.ofMillis(10)));
    }

    @Test
    void tagsClientsSendNeverLoadMoreThanTheShippedBundles() {
        Messages messages = new Messages(Messages.DEFAULT_BASE_NAME, Messages.SHIPPED_LOCALES);
        for (String tag : List.of("de-DE,de;q=0.9", "fr", "x-klingon", "zh-Hant-TW", "de-AT", "en-GB", ";;")) {
            messages.bundle(tag);
        }
        assertEquals(Set.copyOf(Messages.SHIPPED_LOCALES), messages.loadedLocales());
    }
}
