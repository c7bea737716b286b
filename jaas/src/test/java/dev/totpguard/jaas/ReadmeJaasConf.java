package dev.totpguard.jaas;

import dev.totpguard.config.TotpGuardSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.security.auth.login.Configuration;

/**
 * The {@code jaas.conf} example of the project README, so the tests run what the README shows: the first
 * {@code ```conf} block, with its example paths pointed at a {@link TestStore}'s directory and database.
 */
public final class ReadmeJaasConf {

    private ReadmeJaasConf() {
    }

    /** Writes the README's jaas.conf for {@code store} into its directory and returns the file. */
    public static Path write(TestStore store) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("```conf\n");
        if (start < 0) {
            throw new AssertionError("README.md has no ```conf block");
        }
        start += "```conf\n".length();
        String conf = readme.substring(start, readme.indexOf("```", start));
        conf = conf.replace("/etc/totpguard/", store.dir().toAbsolutePath() + "/")
                .replace("jdbc:h2:file:/var/lib/totpguard/totpguard", store.settings().get(TotpGuardSettings.JDBC_URL));
        Path file = store.dir().resolve("jaas.conf");
        Files.writeString(file, conf, StandardCharsets.UTF_8);
        return file;
    }

    /** The file parsed by the JDK's own jaas.conf reader. */
    public static Configuration parse(Path file) {
        return new com.sun.security.auth.login.ConfigFile(file.toUri());
    }
}
