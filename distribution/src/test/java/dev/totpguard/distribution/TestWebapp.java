package dev.totpguard.distribution;

import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exploded WAR an operator could have written, with no TOTP Guard in it: a protected page, a FORM login
 * (with the {@code j_totp} field Jetty's JAAS module reads), and an error page. Markers let tests tell them apart.
 */
final class TestWebapp {

    static final String SECRET_PAGE = "SECRET-PAGE-7f3a";
    static final String LOGIN_PAGE = "LOGIN-PAGE-7f3a";
    static final String LOGIN_ERROR = "LOGIN-ERROR-7f3a";

    private TestWebapp() {
    }

    /**
     * FORM login as a person does it: open the protected page (the login page comes), then post the form, following
     * the redirects; {@code totpField} is the {@code j_totp} field, or null for a form without it.
     */
    static Response formLogin(Browser browser, URI app, String user, String password, String totpField) {
        Response login = browser.open(app.resolve("secret.html"));
        if (!login.body().contains(LOGIN_PAGE)) {
            throw new AssertionError("expected the login page, got " + login.status() + ": " + login.body());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("j_username", user);
        fields.put("j_password", password);
        if (totpField != null) {
            fields.put("j_totp", totpField);
        }
        return browser.submit(app.resolve("j_security_check"), fields);
    }

    /** Writes the webapp with FORM login into {@code dir}; {@code realm} is web.xml's realm-name. */
    static void write(Path dir, String realm) throws IOException {
        write(dir, realm, "FORM");
    }

    /** Writes the webapp into {@code dir} with {@code method} ({@code FORM} or {@code BASIC}) login. */
    static void write(Path dir, String realm, String method) throws IOException {
        write(dir, realm, method, "", "", "/*", Map.of());
    }

    /**
     * Writes a webapp for the WAR drop-in into {@code dir}: a {@code metadata-complete} web.xml with
     * {@code contextParameters} (TOTP Guard's, as its README shows them), FORM login in {@code realm}, the protected
     * page at {@code admin/secret.html} under a constraint on {@code /admin/*} only.
     */
    static void writeDropIn(Path dir, String realm, Map<String, String> contextParameters) throws IOException {
        write(dir, realm, "FORM", "admin/", " metadata-complete=\"true\"", "/admin/*", contextParameters);
    }

    /** As {@link #write(Path, String, String)}, with these context parameters (e.g. TOTP Guard's filter settings). */
    static void write(Path dir, String realm, String method, Map<String, String> contextParameters) throws IOException {
        write(dir, realm, method, "", "", "/*", contextParameters);
    }

    private static void write(Path dir, String realm, String method, String secretDir, String webAppAttributes,
            String constrained, Map<String, String> contextParameters) throws IOException {
        Files.createDirectories(dir.resolve("WEB-INF"));
        Files.createDirectories(dir.resolve(secretDir.isEmpty() ? "." : secretDir));
        writeFile(dir.resolve(secretDir + "secret.html"), "<html><body>" + SECRET_PAGE + "</body></html>");
        writeFile(dir.resolve("login.html"), "<html><body>" + LOGIN_PAGE
                + "<form method=\"post\" action=\"j_security_check\"><input name=\"j_username\">"
                + "<input name=\"j_password\" type=\"password\"><input name=\"j_totp\" autocomplete=\"one-time-code\">"
                + "<button>Log in</button></form></body></html>");
        writeFile(dir.resolve("error.html"), "<html><body>" + LOGIN_ERROR + "</body></html>");
        StringBuilder params = new StringBuilder();
        contextParameters.forEach((name, value) -> params.append("  <context-param><param-name>").append(name)
                .append("</param-name><param-value>").append(value).append("</param-value></context-param>\n"));
        writeFile(dir.resolve("WEB-INF/web.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0"%s>
                %s  <security-constraint>
                    <web-resource-collection>
                      <web-resource-name>protected</web-resource-name>
                      <url-pattern>%s</url-pattern>
                    </web-resource-collection>
                    <auth-constraint><role-name>admin</role-name></auth-constraint>
                  </security-constraint>
                  <login-config>
                    <auth-method>%s</auth-method>
                    <realm-name>%s</realm-name>
                    <form-login-config>
                      <form-login-page>/login.html</form-login-page>
                      <form-error-page>/error.html</form-error-page>
                    </form-login-config>
                  </login-config>
                  <security-role><role-name>admin</role-name></security-role>
                </web-app>
                """.formatted(webAppAttributes, params, constrained, method, realm));
    }

    private static void writeFile(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
