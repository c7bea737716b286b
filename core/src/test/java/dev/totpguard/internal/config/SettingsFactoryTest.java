package dev.totpguard.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsFactoryTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "jdbc:h2:file:./totpguard-data/totpguard|true",
            "jdbc:h2:./data;AUTO_SERVER=TRUE|true",
            "jdbc:h2:file:../data|true",
            "jdbc:h2:file:/var/lib/totpguard/totpguard|false",
            "jdbc:h2:~/totpguard|false",
            "jdbc:h2:mem:test|false",
            "jdbc:h2:tcp://db/./data|false",
            "jdbc:postgresql://db/./x|false"})
    void relativeH2FileIsRecognised(String url, boolean relative) {
        assertEquals(relative, SettingsFactory.relativeH2File(url).isPresent(), url);
    }
}
