package dev.totpguard.example.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DataSourcesTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "jdbc:postgresql://postgres:S3cretUserInfo@127.0.0.1:1/x",
        "jdbc:mariadb://root:S3cretUserInfo@127.0.0.1:1/x",
        "jdbc:postgresql://127.0.0.1:1/x?user=postgres&password=S3cretUserInfo",
        "jdbc:postgresql://127.0.0.1:1/x?sslpassword=S3cretUserInfo&user=u",
        "jdbc:postgresql://127.0.0.1:1/x?options=-c%20password%3DS3cretUserInfo",
        "jdbc:sqlserver://db:1433;user=sa;password=S3cretUserInfo;databaseName=x",
    })
    void urlsAndDriverMessagesNeverShowAPassword(String url) {
        assertFalse(DataSources.redact(url).contains("S3cretUserInfo"), DataSources.redact(url));
        assertTrue(DataSources.redact(url).contains("***"), DataSources.redact(url));
        // What the MariaDB driver said about such a URL: the password, repeated in its own words.
        assertEquals("Incorrect port value : ***@127.0.0.1",
                DataSources.hide("Incorrect port value : S3cretUserInfo@127.0.0.1", url));
    }

    @Test
    void aFailedConnectionSaysWhyWithoutThePassword() {
        String url = "jdbc:postgresql://postgres:S3cretUserInfo@127.0.0.1:1/x";
        DataAccessException e = assertThrows(DataAccessException.class, () -> DataSources.open(url, Optional.empty(), Optional.empty(), 1));
        assertFalse(e.getMessage().contains("S3cretUserInfo"), e.getMessage());
    }
}
