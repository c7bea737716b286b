package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.jaas.PasswordHash;
import dev.totpguard.testkit.ChildProcess;
import dev.totpguard.testkit.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One unmodified container as its own process with TOTP Guard's store, shared by the tests of a class: the
 * subclass's {@code @BeforeAll} sets {@link #work}, {@link #base}, {@link #startCommand} and {@link #app}, makes
 * {@link #store}, and calls {@link #launch()}. Not thread-safe.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ContainerSetup {

    Path work;
    Path base;
    OperatorStore store;
    List<String> startCommand;
    URI app;
    ChildProcess container;

    /** The container's name in logs, e.g. {@code tomcat 11.0.15}. */
    abstract String containerName();

    /** The passwords of the users the tests sign in with: none may reach the log. */
    abstract List<String> passwords();

    /** Starts the container with {@link #startCommand} and waits until {@link #app} answers. */
    void launch() throws Exception {
        container = ChildProcess.start(containerName(), new ProcessBuilder(startCommand).directory(base.toFile()), work.resolve("container.log"));
        container.awaitHttp(app, Distributions.CONTAINER_START);
    }

    /** Stops the container and starts it again: what survives is only what the store and the files hold. */
    void restart() throws Exception {
        container.kill();
        launch();
    }

    @AfterAll
    void stopContainer() {
        if (container != null) {
            container.kill();
        }
        if (store != null) {
            store.close();
        }
    }

    /** Writes a TOTP Guard users file ({@code user = pbkdf2..., admin}) with password {@code <user>-pw} each. */
    void writeUsers(Path file, List<String> users) throws Exception {
        PasswordHash hash = PasswordHash.builder().iterations(PasswordHash.MIN_ITERATIONS).build();
        StringBuilder text = new StringBuilder();
        for (String user : users) {
            text.append(user).append(" = ").append(hash.hash((user + "-pw").toCharArray())).append(", admin\n");
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    @Test
    void noSecretReachesTheLog() {
        // The log has the container's own lines; no typed password may be among them.
        for (String password : passwords()) {
            assertTrue(container.linesWith(password).isEmpty(), "a password reached the log:\n" + container.output());
        }
        assertFalse(Pattern.compile("NoClassDefFoundError|ClassNotFoundException").matcher(container.output()).find(),
                "a class is missing from the distribution's jars:\n" + container.output());
    }

    void assertSecret(Response response) {
        assertTrue(response.status() == 200 && response.body().contains(TestWebapp.SECRET_PAGE),
                "expected the protected page, got " + response.status() + ": " + response.body() + "\n" + container.output());
    }

    void assertNotSecret(Response response) {
        assertFalse(response.body().contains(TestWebapp.SECRET_PAGE),
                "the protected page was served: " + response.status() + "\n" + container.output());
    }
}
