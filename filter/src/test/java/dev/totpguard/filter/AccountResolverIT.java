package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.filter.testapp.AdminServlet;
import dev.totpguard.filter.testapp.LoginPageServlet;
import dev.totpguard.store.JdbcAccountResolver;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11.1 with the {@link dev.totpguard.AccountResolver} SPI, over real HTTP on Jetty 12 and Tomcat 11: the realm
 * is case- and accent-insensitive and reports the name as typed; {@link JdbcAccountResolver} maps it to the stored
 * name with the query an operator would write against the same (case- and accent-insensitive) user table. So
 * {@code ADMIN} with admin's password is asked for admin's code and, with it, is admin; a name the table does not
 * know (a realm user missing from the table) is refused; the mapping costs one query per login, none per request.
 */
class AccountResolverIT {

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void anotherSpellingIsAskedForTheAccountsCodeAndThenIsTheAccount(String kind) throws Exception {
        AtomicInteger queries = new AtomicInteger();
        DataSource users = countingQueries(userTable(), queries);
        try (TwoFactorFixture fixture = TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED)) {
            TotpFilter filter = TotpFilter.builder().service(fixture.service())
                    .accountResolver(JdbcAccountResolver.of(users, "SELECT username FROM users WHERE username = ?")).build();
            try (WebContainer container = WebContainer.start(kind, new WebContainer.Deployment(WebContainer.TEST_WEBAPP)
                    .caseInsensitiveRealm().initializer(TotpFilter.initializer(filter)))) {
                fixture.enroll("admin");

                Browser upper = new Browser(container.base());
                Response token = signIn(upper, "ADMIN");
                assertEquals(200, token.status(), token::toString);
                assertTrue(token.uri().getPath().endsWith("/totpguard/token"), () -> "ADMIN is asked for admin's code: " + token);
                assertFalse(token.body().contains(AdminServlet.MARKER), token::toString);

                Response verified = follow(upper, upper.post("/totpguard/verify", Map.of(CsrfProtection.PARAMETER, token.csrf(), "code", fixture.code("admin"))));
                assertTrue(verified.body().contains(AdminServlet.MARKER), () -> "admin's code lets ADMIN in as admin: " + text(verified));
                assertTrue(fixture.service().status("admin").isActive(), "admin keeps its one second factor");
                int afterLogin = queries.get();
                for (int i = 0; i < 5; i++) {
                    assertTrue(upper.get("/admin/start").body().contains(AdminServlet.MARKER));
                }
                assertEquals(afterLogin, queries.get(), "no query per request: the account is kept in the session");

                // ádmin: the table finds admin too (accent-insensitive), so the same code page.
                Response accented = signIn(new Browser(container.base()), "ádmin");
                assertTrue(accented.uri().getPath().endsWith("/totpguard/token"), accented::toString);
                // The realm knows user01 but the user table does not: no account, so refused (with policy REQUIRED it
                // would otherwise be sent to enroll).
                Response unknown = signIn(new Browser(container.base()), "user01", "password-01");
                assertFalse(unknown.body().contains(AdminServlet.MARKER), unknown::toString);
                assertEquals(403, unknown.status(), unknown::toString);
                assertFalse(unknown.uri().getPath().endsWith("/totpguard/enroll"), unknown::toString);
            }
        }
    }

    /** A user table whose comparisons ignore case and accents (H2's collation of strength PRIMARY), holding admin. */
    private static DataSource userTable() throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:users-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SET COLLATION ENGLISH STRENGTH PRIMARY");
            statement.execute("CREATE TABLE users (username VARCHAR(64) PRIMARY KEY)");
            statement.execute("INSERT INTO users VALUES ('admin'), ('alice')");
        }
        return dataSource;
    }

    private static DataSource countingQueries(DataSource target, AtomicInteger count) {
        return (DataSource) java.lang.reflect.Proxy.newProxyInstance(AccountResolverIT.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        count.incrementAndGet();
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The page's text without markup, for failure messages. */
    private static String text(Response response) {
        return response.status() + " " + response.uri() + " " + response.body().replaceAll("(?s)<style.*?</style>", "").replaceAll("<[^>]+>", " ")
                .replaceAll("\\s+", " ");
    }

    private static Response signIn(Browser browser, String name) {
        return signIn(browser, name, AccountAliasIT.PASSWORD);
    }

    private static Response signIn(Browser browser, String name, String password) {
        Response challenge = follow(browser, browser.get("/admin/start"));
        assertTrue(challenge.body().contains(LoginPageServlet.LOGIN_MARKER), challenge::toString);
        String form = "j_username=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&j_password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return follow(browser, browser.postBody("/j_security_check", "application/x-www-form-urlencoded; charset=UTF-8",
                form.getBytes(StandardCharsets.UTF_8), Map.of()));
    }

    private static Response follow(Browser browser, Response response) {
        Response current = response;
        for (int i = 0; i < 5 && current.isRedirect(); i++) {
            current = browser.follow(current);
        }
        return current;
    }
}
