package dev.totpguard.example.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.example.data.Text;
import dev.totpguard.internal.web.Messages;
import dev.totpguard.testkit.MessageBundles;
import java.util.Locale;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The example's bundle: German has every English key, and every page renders in German with no key left showing. */
class ExampleBundleTest {

    private final Messages messages = new Messages(Text.BUNDLE, Text.LOCALES);

    @Test
    void everyShippedLanguageHasEveryKeyOfTheEnglishBundle() {
        MessageBundles.assertComplete(ExampleBundleTest.class.getClassLoader(), Text.BUNDLE,
                Text.LOCALES.subList(1, Text.LOCALES.size()));
    }

    static java.util.stream.Stream<Page> everyPage() {
        return PagesTest.everyPageWithHostileValues();
    }

    @ParameterizedTest
    @MethodSource("everyPage")
    void everyPageRendersInGermanWithNoKeyShowing(Page page) {
        ResourceBundle german = messages.bundle("de-DE,de;q=0.9");
        String html = Pages.render(page, "/ctx", Optional.of("token"), new Pages.Frame(true, Optional.of("alice"), true), german).html();
        Document document = Jsoup.parse(html);
        assertEquals("de", document.selectFirst("html").attr("lang"));
        assertTrue(document.title().endsWith(" - TOTP-Guard-Beispiel"), document.title());
        String text = document.text() + " " + document.select("[alt],[aria-label]").eachAttr("alt");
        for (String key : german.keySet()) {
            if (key.contains(".")) {
                assertFalse(text.contains(key), () -> "key " + key + " shows on " + page.getClass().getSimpleName() + ": " + text);
            }
        }
    }

    @Test
    void tagsClientsSendNeverLoadMoreThanTheShippedBundles() {
        java.util.Random random = new java.util.Random(15);
        for (int i = 0; i < 10_000; i++) {
            messages.bundle(Integer.toString(random.nextInt(Integer.MAX_VALUE), 36).replaceAll("[0-9]", "a") + "-x-" + i);
        }
        assertTrue(Set.of(Locale.ENGLISH, Locale.GERMAN).containsAll(messages.loadedLocales()), messages.loadedLocales()::toString);
    }

    @Test
    void theCliWritesTheDataLayersChecksInEnglish() {
        assertEquals("Enter a name of 1 to 200 characters, without control or formatting characters.",
                Text.of("problem.name", 200).english());
    }
}
