package dev.totpguard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessageBundlesTest {

    private final ClassLoader loader = MessageBundlesTest.class.getClassLoader();

    @Test
    void aCompleteTranslationPasses() {
        MessageBundles.assertComplete(loader, "dev.totpguard.testkit.complete", List.of(Locale.GERMAN));
    }

    @Test
    void everyProblemOfATranslationIsNamed() {
        AssertionError error = assertThrows(AssertionError.class,
                () -> MessageBundles.assertComplete(loader, "dev.totpguard.testkit.broken", List.of(Locale.GERMAN)));
        String report = error.getMessage();
        assertTrue(report.contains("missing keys [farewell]"), report);
        assertTrue(report.contains("keys the base bundle does not have [extra]"), report);
        assertTrue(report.contains("greeting uses arguments [1], the base text [0]"), report);
        assertTrue(report.contains("count is empty"), report);
        assertTrue(report.contains("name is not a MessageFormat pattern"), report);
        assertTrue(report.contains("not UTF-8"), report);
        assertTrue(report.contains("owner has a lone '"), report);
    }

    @Test
    void aShippedLocaleWithoutItsFileFails() {
        AssertionError error = assertThrows(AssertionError.class,
                () -> MessageBundles.assertComplete(loader, "dev.totpguard.testkit.complete", List.of(Locale.FRENCH)));
        assertTrue(error.getMessage().contains("complete_fr.properties: missing"), error.getMessage());
    }

    @Test
    void argumentIndexesAreFoundInEveryKindOfFormatElement() {
        assertEquals(Set.of(0, 2), MessageBundles.argumentIndexes("{0} of {2,number,integer} ''items''"));
        assertEquals(Set.of(0), MessageBundles.argumentIndexes("{0,choice,1#one|1<{0,number,integer} many}"));
    }
}
