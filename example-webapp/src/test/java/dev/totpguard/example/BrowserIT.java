package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.totpguard.testkit.AxeCore;
import dev.totpguard.testkit.ExternalRequirement;
import dev.totpguard.testkit.KeyboardOnly;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The seed flow (../shared/seed/admin-totp-flow.txt) in a real browser: Debian's headless Chromium driven through
 * chromedriver (Selenium), against one launcher jar process, once per language and window width (1280 px, a desktop;
 * 390 px, a phone). On every page axe-core (npm, pinned, see {@link AxeCore}) must find no serious or critical
 * violation; the login page, the token page and the TOTP enrollment are done with the keyboard alone, every action
 * reachable by Tab in document order with a visible focus indicator. Fields, buttons and links are found by id, name
 * or address, never by their English text, so the same walk runs in every shipped language. Full-page screenshots go
 * to {@code target/screenshots/<lang>-<width>/NN-page.png}. Skipped with a message when Chromium, chromedriver or
 * the npm registry is missing, a failure when {@code TOTPGUARD_REQUIRE_EXTERNAL=true}.
 *
 * <p>Issue 17's features each run in a launcher of their own, started with their flags: a trusted browser
 * ({@code --trusted-browser-days}), the grace period of "Require two-factor authentication" ({@code --grace-sign-ins})
 * and the notification mails ({@code --smtp-*} towards GreenMail in this JVM).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String PASSWORD = "browser-admin-password";
    private static final By LOGIN_SUBMIT = By.cssSelector("form.login button[type=submit]");
    private static final By LOG_OUT = By.cssSelector("form.signout button[type=submit]");
    private static final By TOKEN_FIELD = By.id("code");
    private static final By TOTP_START = By.cssSelector("#two-factor button[form=start-totp][value=totp]");
    private static final By TOKEN_CODE = By.id("token_code");
    private static final By SAVE_WITH_CODE = By.cssSelector("#two-factor button[type=submit][form=edit-form]");
    private static final String TRUST_COOKIE = "totpguard-trust";

    private Path temp;
    private LauncherProcess launcher;
    private AxeCore axe;

    @BeforeAll
    void startLauncher(@TempDir Path folder) throws Exception {
        temp = folder;
        ExternalRequirement.assumeOrFail(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium and chromedriver (Debian packages chromium, chromium-driver)");
        axe = AxeCore.load(AxeCore.defaultCacheDirectory());
        // One server for every language and width: each walk turns TOTP off again at its end.
        launcher = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD),
                "--port", "0", "--data", temp.resolve("data").toString());
    }

    @AfterAll
    void stopLauncher() throws Exception {
        if (launcher != null) {
            launcher.close();
        }
    }

    static Stream<Arguments> languagesAndWidths() {
        return Stream.of("en", "de").flatMap(lang -> Stream.of(1280, 390).map(width -> Arguments.of(lang, width)));
    }

    @ParameterizedTest(name = "{0} at {1} px")
    @MethodSource("languagesAndWidths")
    void anAdministratorEnablesTotpAndSignsInWithACodeAndARecoveryCode(String lang, int width) throws Exception {
        Path screenshots = Path.of(System.getProperty("totpguard.example.target", "target"))
                .resolve("screenshots").resolve(lang + "-" + width);
        WebDriver browser = chromium(temp.resolve("profile-" + lang + "-" + width), lang, width);
        try {
            Walk walk = new Walk(browser, screenshots, width);
            browser.get(launcher.baseUrl() + "/admin/");
            assertEquals("/login", path(browser));
            String pageLang = String.valueOf(((JavascriptExecutor) browser).executeScript("return document.documentElement.lang"));
            Assumptions.assumeTrue(pageLang.equals(lang) || pageLang.startsWith(lang + "-"),
                    "the login page is in '" + pageLang + "', not '" + lang + "': the " + lang + " walk runs once that translation ships");
            Files.createDirectories(screenshots);
            assertEquals(width, ((Number) ((JavascriptExecutor) browser).executeScript("return window.innerWidth")).intValue(),
                    "the page is laid out at the width under test");
            walk.page("login");
            walk.keyboardCheck("login");

            // Keyboard only: the login form.
            KeyboardOnly keyboard = new KeyboardOnly(browser);
            keyboard.tabTo(By.id("j_username"));
            keyboard.type("admin");
            keyboard.tabOnTo(By.id("j_password"));
            keyboard.type(PASSWORD);
            keyboard.tabOnTo(LOGIN_SUBMIT);
            keyboard.press(Keys.ENTER);
            waitForPath(browser, "/admin/", "signed in with the password");
            walk.page("dashboard");

            walk.follow(By.cssSelector("a[href$='/admin/setup/']"), "setup");
            walk.follow(By.cssSelector("main a[href$='/admin/setup/staff/']"), "staff-management");
            walk.follow(By.cssSelector("main a[href$='/admin/setup/staff/administrators']"), "administrators");
            walk.follow(By.xpath("//tr[td[1]='admin']//a[contains(@href, '/administrators/edit')]"), "edit");
            assertFalse(browser.findElement(By.cssSelector("#two-factor h2")).getText().isBlank());

            // Keyboard only: "Time-based Tokens (TOTP)" with Space, then the Token Code and "Save Changes" with Enter.
            walk.keyboardCheck("edit");
            keyboard.tabTo(TOTP_START);
            keyboard.press(Keys.SPACE);
            WebElement qr = waitFor(browser, By.cssSelector("#two-factor img.qr"), "the QR code after choosing TOTP");
            assertTrue(((Number) ((JavascriptExecutor) browser).executeScript("return arguments[0].naturalWidth", qr)).intValue() > 0,
                    "the QR image loads under the CSP");
            walk.page("enrollment");
            walk.keyboardCheck("enrollment");
            // A code of the wrong length first: the error sits at the field, linked to it, and the field has the focus.
            keyboard.tabTo(TOKEN_CODE);
            keyboard.type("1");
            keyboard.tabOnTo(SAVE_WITH_CODE);
            keyboard.press(Keys.ENTER);
            walk.expectFieldError(TOKEN_CODE, "enrollment-wrong-code");
            qr = browser.findElement(By.cssSelector("#two-factor img.qr"));
            TotpCodes app = TotpCodes.fromImageSource(qr.getAttribute("src"));
            keyboard.tabTo(TOKEN_CODE);
            keyboard.type(app.next());
            keyboard.tabOnTo(SAVE_WITH_CODE);
            keyboard.press(Keys.ENTER);
            List<WebElement> codeItems = waitForAll(browser, By.cssSelector("ul.recovery-codes code"), "the recovery codes");
            assertEquals(10, codeItems.size(), browser.getPageSource());
            List<String> recoveryCodes = codeItems.stream().map(WebElement::getText).toList();
            walk.page("recovery-codes");
            walk.keyboardCheck("recovery-codes");
            walk.follow(By.cssSelector("p.continue a"), "edit-enabled");
            assertEquals("/admin/setup/staff/administrators/edit", path(browser));

            walk.signOut();
            walk.page("signed-out");
            // Password on the login page, then the code on the filter's token page, with the keyboard alone.
            walk.signInWithPassword();
            waitUntil(browser, driver -> path(driver).startsWith("/totpguard/"), "TOTP Guard's token page after the password");
            walk.page("token");
            walk.keyboardCheck("token");
            keyboard.tabTo(TOKEN_FIELD);
            keyboard.type("1");
            keyboard.press(Keys.ENTER);
            walk.expectFieldError(TOKEN_FIELD, "token-wrong-code");
            keyboard.tabTo(TOKEN_FIELD);
            keyboard.type(app.next());
            keyboard.tabOnTo(By.cssSelector("form:has(#code) button[type=submit]"));
            keyboard.press(Keys.ENTER);
            waitForPath(browser, "/admin/", "signed in with the password and the code");
            walk.page("dashboard-after-code");

            walk.signOut();
            walk.signInWithPassword();
            waitUntil(browser, driver -> path(driver).startsWith("/totpguard/"), "TOTP Guard's token page after the password");
            walk.follow(By.cssSelector("main a[href*='recovery']"), "recovery");
            walk.keyboardCheck("recovery");
            browser.findElement(By.id("recovery-code")).sendKeys(recoveryCodes.get(0));
            walk.page("recovery-filled");
            browser.findElement(By.cssSelector("form:has(#recovery-code) button[type=submit]")).click();
            waitForPath(browser, "/admin/", "signed in with a recovery code");
            walk.page("dashboard-after-recovery");

            // Back to the start for the next language or width: TOTP off, with a fresh code from the app.
            browser.get(launcher.baseUrl() + "/admin/setup/staff/administrators/edit?user=admin");
            walk.page("edit-active");
            browser.findElement(By.id("disable_code")).sendKeys(app.next());
            browser.findElement(By.cssSelector("form:has(#disable_code) button[type=submit]")).click();
            waitUntil(browser, driver -> driver.findElements(TOTP_START).size() == 1, "TOTP is off again");
            walk.page("edit-disabled");
            walk.signOut();
            browser.navigate().back();
            waitForPath(browser, "/login", "after logout the back button shows no admin page");
            assertTrue(Files.size(screenshots.resolve("01-login.png")) > 0);
        } finally {
            browser.quit();
        }
    }

    /**
     * Several authenticators (issue 17): the administrator enables TOTP on the Edit page, signs in with a code, adds a
     * second authenticator on TOTP Guard's settings page (a label and a current code of the first, then the new QR code
     * and its first code), and signs in again with the second one's code alone. The Edit page lists both. Leaves TOTP off.
     */
    @Test
    void anAdministratorAddsASecondAuthenticatorAndSignsInWithItsCode() throws Exception {
        Path screenshots = Path.of(System.getProperty("totpguard.example.target", "target")).resolve("screenshots").resolve("authenticators");
        Files.createDirectories(screenshots);
        WebDriver browser = chromium(temp.resolve("profile-authenticators"), "en", 1280);
        try {
            Walk walk = new Walk(browser, screenshots, 1280);
            browser.get(launcher.baseUrl() + "/admin/");
            walk.signInWithPassword();
            waitForPath(browser, "/admin/", "signed in with the password");
            browser.get(launcher.baseUrl() + "/admin/setup/staff/administrators/edit?user=admin");
            waitFor(browser, TOTP_START, "TOTP is off at the start").click();
            WebElement qr = waitFor(browser, By.cssSelector("#two-factor img.qr"), "the QR code after choosing TOTP");
            TotpCodes phone = TotpCodes.fromImageSource(qr.getAttribute("src"));
            browser.findElement(TOKEN_CODE).sendKeys(phone.next());
            browser.findElement(SAVE_WITH_CODE).click();
            waitForAll(browser, By.cssSelector("ul.recovery-codes code"), "the recovery codes");
            walk.signOut();
            walk.signInWithPassword();
            waitUntil(browser, driver -> path(driver).startsWith("/totpguard/"), "TOTP Guard's token page after the password");
            browser.findElement(TOKEN_FIELD).sendKeys(phone.next());
            browser.findElement(By.cssSelector("form:has(#code) button[type=submit]")).click();
            waitForPath(browser, "/admin/", "signed in with the first authenticator");

            browser.get(launcher.baseUrl() + "/totpguard/manage");
            WebElement label = waitFor(browser, By.id("authenticator-label"), "the form that adds an authenticator");
            walk.page("manage-one-authenticator");
            walk.keyboardCheck("manage-one-authenticator");
            label.sendKeys("backup phone");
            browser.findElement(By.id("code-add-authenticator")).sendKeys(phone.next());
            browser.findElement(By.cssSelector("form:has(#code-add-authenticator) button[type=submit]")).click();
            WebElement secondQr = waitFor(browser, By.cssSelector("main img[src^='data:image/png']"), "the new authenticator's QR code");
            walk.page("add-authenticator-qr");
            TotpCodes backup = TotpCodes.fromImageSource(secondQr.getAttribute("src"));
            assertFalse(backup.base32().equals(phone.base32()), "the new authenticator has a secret of its own");
            browser.findElement(TOKEN_FIELD).sendKeys(backup.next());
            browser.findElement(By.cssSelector("form:has(#code) button[type=submit]")).click();
            waitUntil(browser, driver -> driver.findElements(By.cssSelector("p.authenticator")).size() == 2,
                    "both authenticators listed on the settings page");
            assertTrue(browser.findElements(By.cssSelector("p.authenticator")).get(1).getText().startsWith("backup phone, added "));
            walk.page("manage-two-authenticators");

            browser.get(launcher.baseUrl() + "/admin/");
            walk.signOut();
            walk.signInWithPassword();
            waitUntil(browser, driver -> path(driver).startsWith("/totpguard/"), "TOTP Guard's token page after the password");
            browser.findElement(TOKEN_FIELD).sendKeys(backup.next());
            browser.findElement(By.cssSelector("form:has(#code) button[type=submit]")).click();
            waitForPath(browser, "/admin/", "signed in with the second authenticator's code");

            browser.get(launcher.baseUrl() + "/admin/setup/staff/administrators/edit?user=admin");
            List<WebElement> listed = waitForAll(browser, By.cssSelector("ul.authenticators li"), "the Edit page lists the authenticators");
            assertEquals(2, listed.size(), browser::getPageSource);
            walk.page("edit-two-authenticators");
            // Back to the start for the other tests: TOTP off, with a code of either authenticator.
            browser.findElement(By.id("disable_code")).sendKeys(phone.next());
            browser.findElement(By.cssSelector("form:has(#disable_code) button[type=submit]")).click();
            waitUntil(browser, driver -> driver.findElements(TOTP_START).size() == 1, "TOTP is off again");
            walk.signOut();
        } finally {
            browser.quit();
        }
    }

    /** The checks can fail: a page with known faults makes axe-core and the keyboard walk report each of them. */
    @Test
    void axeCoreAndTheKeyboardWalkReportAPageWithKnownFaults() {
        WebDriver browser = chromium(temp.resolve("profile-faults"), "en", 1280);
        try {
            String page = """
                    <!DOCTYPE html><html><head><title>Faults</title></head><body><main>
                    <img src="data:,"><p style="color:#bbb;background:#fff">Grey on white</p>
                    <a href="#a" style="outline:none">No ring</a> <a href="#b">Ring</a></main></body></html>
                    """;
            browser.get("data:text/html;charset=utf-8," + URLEncoder.encode(page, StandardCharsets.UTF_8).replace("+", "%20"));
            List<String> serious = axe.analyze(browser).stream().filter(AxeCore.Violation::isSeriousOrWorse)
                    .map(AxeCore.Violation::rule).sorted().toList();
            assertEquals(List.of("color-contrast", "html-has-lang", "image-alt"), serious);
            List<KeyboardOnly.Stop> stops = new KeyboardOnly(browser).tabStops(10);
            assertEquals(List.of(false, true), stops.stream().map(KeyboardOnly.Stop::showsFocus).toList(), stops.toString());
        } finally {
            browser.quit();
        }
    }

    // ---- issue 17 in the real browser: trusted browsers, the enforcement grace, notification mails. Each starts its own
    // launcher with the flags it needs and drives one Chromium with the mouse, by ids and addresses.

    @Test
    void aTrustedBrowserSignsInWithThePasswordAloneUntilTheEditPageForgetsIt() throws Exception {
        try (LauncherProcess example = startExample("trusted", "--trusted-browser-days", "30")) {
            WebDriver browser = chromium(temp.resolve("profile-trusted"), "en", 1280);
            try {
                String base = example.baseUrl();
                signIn(browser, base, "admin", PASSWORD);
                waitForPath(browser, "/admin/", "no second factor yet: the password opens the admin pages");
                TotpCodes app = enrollTotp(browser, base).app();
                signOut(browser);

                signIn(browser, base, "admin", PASSWORD);
                waitUntil(browser, driver -> path(driver).startsWith("/totpguard/"), "the token page after the password");
                browser.findElement(TOKEN_FIELD).sendKeys(app.next());
                WebElement trust = browser.findElement(By.id("trust"));
                assertTrue(browser.findElement(By.cssSelector("label[for=trust]")).getText().contains("30 days"));
                trust.click();
                browser.findElement(By.cssSelector("form:has(#code) button[type=submit]")).click();
                waitForPath(browser, "/admin/", "signed in with the code, browser trusted");
                assertTrue(browser.manage().getCookieNamed(TRUST_COOKIE) != null, "the trust cookie is set");
                signOut(browser);

                signIn(browser, base, "admin", PASSWORD);
                waitForPath(browser, "/admin/", "the trusted browser signs in with the password alone");

                // Without the session cookie the trust cookie alone signs nobody in: the password again, then no code.
                List<org.openqa.selenium.Cookie> others = browser.manage().getCookies().stream()
                        .filter(cookie -> !cookie.getName().equals(TRUST_COOKIE)).toList();
                assertFalse(others.isEmpty(), "a session cookie to delete");
                others.forEach(browser.manage()::deleteCookie);
                browser.get(base + "/admin/setup/staff/administrators");
                waitForPath(browser, "/login", "the session is gone: the password is asked");
                browser.findElement(By.id("j_username")).sendKeys("admin");
                browser.findElement(By.id("j_password")).sendKeys(PASSWORD);
                browser.findElement(LOGIN_SUBMIT).click();
                waitUntil(browser, driver -> path(driver).startsWith("/admin/"), "the password alone, still trusted");
                assertFalse(path(browser).startsWith("/totpguard/"));

                browser.get(base + "/admin/setup/staff/administrators/edit?user=admin");
                waitFor(browser, By.cssSelector("button[form=forget-browsers]"), "Forget all browsers on the Edit page").click();
                waitUntil(browser, driver -> driver.findElements(By.cssSelector("button[form=forget-browsers]")).isEmpty(),
                        "no trusted browser is listed any more");
                signOut(browser);
                signIn(browser, base, "admin", PASSWORD);
                waitUntil(browser, driver -> path(driver).startsWith("/totpguard/"), "a forgotten browser gives the code again");
                assertEquals(1, browser.findElements(TOKEN_FIELD).size());
            } finally {
                browser.quit();
            }
        }
    }

    @Test
    void withEnforcementAndAGraceAnAdministratorWithoutTotpSeesTheBannerUntilTheSignInsAreUsedUp() throws Exception {
        try (LauncherProcess example = startExample("grace", "--grace-sign-ins", "2")) {
            WebDriver browser = chromium(temp.resolve("profile-grace"), "en", 1280);
            try {
                String base = example.baseUrl();
                signIn(browser, base, "admin", PASSWORD);
                waitForPath(browser, "/admin/", "signed in with the password");
                enrollTotp(browser, base);
                // Right after its own code admin may change the setting and add an administrator (privileged actions).
                browser.get(base + "/admin/setup/security");
                assertTrue(browser.findElement(By.cssSelector("main p.grace")).getText().contains("(2 sign-ins)"));
                browser.findElement(By.cssSelector("main form[action$='/admin/setup/security'] button[type=submit]")).click();
                waitUntil(browser, driver -> driver.findElements(By.cssSelector("main input[name=require][value=off]")).size() == 1,
                        "the requirement is on");
                browser.get(base + "/admin/setup/staff/administrators/new");
                Map.of("username", "bob", "name", "Bob Example", "email", "bob@example.com", "password", "bob-grace-password",
                        "password_confirm", "bob-grace-password").forEach((id, value) -> browser.findElement(By.id(id)).sendKeys(value));
                browser.findElement(By.cssSelector("main form button[type=submit]")).click();
                waitForPath(browser, "/admin/setup/staff/administrators", "bob is added");
                signOut(browser);

                signIn(browser, base, "bob", "bob-grace-password");
                waitForPath(browser, "/admin/", "within the grace the password opens the admin pages");
                assertEquals("Two-factor authentication will be required after 1 more sign-in.", graceBanner(browser));
                assertTrue(axe.analyze(browser).stream().noneMatch(AxeCore.Violation::isSeriousOrWorse), "the banner passes axe-core");
                browser.get(base + "/admin/setup/staff/audit-log");
                waitForPath(browser, "/admin/setup/staff/audit-log", "another admin page opens");
                assertEquals("Two-factor authentication will be required after 1 more sign-in.", graceBanner(browser),
                        "one sign-in counts once, whatever its pages");
                browser.findElement(By.cssSelector(".banner.grace a")).click();
                waitForPath(browser, "/admin/setup/staff/administrators/edit", "the banner links to bob's set-up");
                assertEquals(1, browser.findElements(TOTP_START).size(), "the set-up is offered");
                signOut(browser);

                signIn(browser, base, "bob", "bob-grace-password");
                waitForPath(browser, "/admin/", "the second sign-in is still within the grace");
                assertEquals("Two-factor authentication will be required from your next sign-in.", graceBanner(browser));
                signOut(browser);

                signIn(browser, base, "bob", "bob-grace-password");
                waitForPath(browser, "/admin/setup/staff/administrators/edit", "after the grace: the set-up");
                assertEquals("user=bob", URI.create(browser.getCurrentUrl()).getQuery());
                assertTrue(browser.findElements(By.cssSelector(".banner.grace")).isEmpty());
                for (String page : List.of("/admin/", "/admin/setup/staff/administrators", "/admin/setup/staff/audit-log")) {
                    browser.get(base + page);
                    waitForPath(browser, "/admin/setup/staff/administrators/edit", page + " leads to the set-up");
                }
            } finally {
                browser.quit();
            }
        }
    }

    @Test
    void enrollingAndUsingARecoveryCodeMailTheAdministratorWithoutCodeSecretOrLink() throws Exception {
        GreenMail mailServer = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        mailServer.start();
        try (LauncherProcess example = startExample("mail", "--smtp-host", "127.0.0.1", "--smtp-port",
                Integer.toString(mailServer.getSmtp().getPort()), "--smtp-from", "totpguard@example.com")) {
            WebDriver browser = chromium(temp.resolve("profile-mail"), "en", 1280);
            List<String> secrets = new ArrayList<>();
            try {
                String base = example.baseUrl();
                signIn(browser, base, "admin", PASSWORD);
                waitForPath(browser, "/admin/", "signed in with the password");
                Enrolled enrolled = enrollTotp(browser, base);
                secrets.add(enrolled.app().base32());
                secrets.add(enrolled.firstCode());
                secrets.addAll(enrolled.recoveryCodes());
                assertTrue(mailServer.waitForIncomingEmail(30_000, 1), "the 'set up' mail arrives");
                signOut(browser);

                signIn(browser, base, "admin", PASSWORD);
                waitUntil(browser, driver -> path(driver).startsWith("/totpguard/"), "the token page after the password");
                waitFor(browser, By.cssSelector("main a[href*='recovery']"), "the recovery code link").click();
                waitFor(browser, By.id("recovery-code"), "the recovery code field").sendKeys(enrolled.recoveryCodes().get(0));
                browser.findElement(By.cssSelector("form:has(#recovery-code) button[type=submit]")).click();
                waitForPath(browser, "/admin/", "signed in with a recovery code");
            } finally {
                browser.quit();
            }
            assertTrue(mailServer.waitForIncomingEmail(30_000, 2), "the 'recovery code used' mail arrives");
            MimeMessage[] received = mailServer.getReceivedMessages();
            assertEquals(List.of("Two-factor authentication was set up for your account", "A recovery code was used to sign in to your account"),
                    Stream.of(received).map(BrowserIT::subject).toList());
            for (MimeMessage mail : received) {
                assertEquals("admin@example.com", ((InternetAddress) mail.getAllRecipients()[0]).getAddress());
                java.io.ByteArrayOutputStream source = new java.io.ByteArrayOutputStream();
                mail.writeTo(source);
                String text = source.toString(StandardCharsets.UTF_8) + "\n" + mail.getContent();
                for (String secret : secrets) {
                    assertFalse(text.contains(secret), "no code and no secret in the mail: " + text);
                }
                for (String link : List.of("http", "://", "www.", "href")) {
                    assertFalse(text.contains(link), "no sign-in link in the mail: " + text);
                }
            }
            assertTrue(received[1].getContent().toString().contains("9 recovery codes are left."), received[1].getContent().toString());
        } finally {
            mailServer.stop();
        }
    }

    private LauncherProcess startExample(String name, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--data", temp.resolve("data-" + name).toString()));
        args.addAll(List.of(flags));
        return LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD), args.toArray(String[]::new));
    }

    /** What enrolling left: the authenticator app, the code that confirmed it, the recovery codes shown once. */
    private record Enrolled(TotpCodes app, String firstCode, List<String> recoveryCodes) {
    }

    /** The signed-in administrator turns on TOTP on their Edit page with the mouse. */
    private static Enrolled enrollTotp(WebDriver browser, String base) throws Exception {
        browser.get(base + "/admin/setup/staff/administrators/edit?user=admin");
        waitFor(browser, TOTP_START, "Time-based Tokens (TOTP)").click();
        WebElement qr = waitFor(browser, By.cssSelector("#two-factor img.qr"), "the QR code after choosing TOTP");
        TotpCodes app = TotpCodes.fromImageSource(qr.getAttribute("src"));
        String code = app.next();
        browser.findElement(TOKEN_CODE).sendKeys(code);
        browser.findElement(SAVE_WITH_CODE).click();
        List<String> recoveryCodes = waitForAll(browser, By.cssSelector("ul.recovery-codes code"), "the recovery codes").stream()
                .map(WebElement::getText).toList();
        assertEquals(10, recoveryCodes.size());
        return new Enrolled(app, code, recoveryCodes);
    }

    private static void signIn(WebDriver browser, String base, String user, String password) {
        browser.get(base + "/admin/");
        waitForPath(browser, "/login", "the login page");
        browser.findElement(By.id("j_username")).sendKeys(user);
        browser.findElement(By.id("j_password")).sendKeys(password);
        browser.findElement(LOGIN_SUBMIT).click();
    }

    private static void signOut(WebDriver browser) {
        waitFor(browser, LOG_OUT, "the Log Out button").click();
        waitForPath(browser, "/login", "Log Out leads to the login page");
    }

    /** The grace banner's sentence, without its link. */
    private static String graceBanner(WebDriver browser) {
        WebElement banner = waitFor(browser, By.cssSelector(".banner.grace"), "the grace banner");
        assertEquals(1, browser.findElements(By.cssSelector(".banner")).size(), "one banner");
        WebElement link = banner.findElement(By.tagName("a"));
        assertTrue(link.getAttribute("href").endsWith("/admin/setup/staff/administrators/edit?user=" + currentUser(browser) + "#two-factor"),
                link.getAttribute("href"));
        return banner.getText().substring(0, banner.getText().length() - link.getText().length()).strip();
    }

    private static String currentUser(WebDriver browser) {
        return browser.findElement(By.cssSelector(".signout strong")).getText();
    }

    private static String subject(MimeMessage mail) {
        try {
            return mail.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }

    /** One walk through the pages in one browser: numbers the screenshots and runs axe-core on every page. */
    private final class Walk {
        private final WebDriver browser;
        private final Path screenshots;
        private final int width;
        private final KeyboardOnly keyboard;
        private int pageNumber;

        Walk(WebDriver browser, Path screenshots, int width) {
            this.browser = browser;
            this.screenshots = screenshots;
            this.width = width;
            this.keyboard = new KeyboardOnly(browser);
        }

        /** Saves a full-page screenshot and fails on a serious or critical axe-core violation. */
        void page(String name) throws Exception {
            pageNumber++;
            Path file = screenshots.resolve(String.format("%02d-%s.png", pageNumber, name));
            // Chromium's own full-page capture (beyond the viewport), as DevTools' "Capture full size screenshot".
            Map<String, Object> shot = ((ChromeDriver) browser).executeCdpCommand("Page.captureScreenshot",
                    Map.of("format", "png", "captureBeyondViewport", true));
            Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
            List<AxeCore.Violation> violations = axe.analyze(browser);
            if (violations.stream().anyMatch(AxeCore.Violation::isSeriousOrWorse)) {
                throw new AssertionError("axe-core " + AxeCore.VERSION + " finds serious or critical violations on " + name
                        + " (" + browser.getCurrentUrl() + ", " + width + " px, screenshot " + file + "):\n"
                        + AxeCore.describe(violations));
            }
            if (!violations.isEmpty()) {
                System.out.println("axe-core, minor or moderate on " + name + " at " + width + " px:\n" + AxeCore.describe(violations));
            }
        }

        /**
         * Tabs through the whole page: every link, button and field shown is reached, in document order, and the
         * browser draws a focus indicator on each.
         */
        void keyboardCheck(String name) {
            List<Integer> visible = keyboard.visibleFocusable();
            List<KeyboardOnly.Stop> stops = keyboard.tabStops(80);
            String order = stops.stream().map(KeyboardOnly.Stop::toString).collect(Collectors.joining("\n  ", "\n  ", ""));
            List<Integer> reached = stops.stream().map(KeyboardOnly.Stop::index).toList();
            List<Integer> missed = new ArrayList<>(visible);
            missed.removeAll(reached);
            assertTrue(missed.isEmpty(), name + ": Tab never reaches the focusable elements " + missed + "; the stops:" + order);
            for (int i = 1; i < reached.size(); i++) {
                assertTrue(reached.get(i) > reached.get(i - 1), name + ": Tab goes back in the document; the stops:" + order);
            }
            List<KeyboardOnly.Stop> unmarked = stops.stream().filter(stop -> !stop.showsFocus()).toList();
            assertTrue(unmarked.isEmpty(), name + ": no visible focus on " + unmarked + "; the stops:" + order);
            // And back: Shift+Tab from past the last stop visits the same stops in reverse.
            List<Integer> backwards = keyboard.shiftTabStops(stops.size()).stream().map(KeyboardOnly.Stop::index).toList();
            List<Integer> expected = new ArrayList<>(reached);
            java.util.Collections.reverse(expected);
            assertEquals(expected, backwards, name + ": Shift+Tab; the stops:" + order);
        }

        /**
         * After a refused form: the field is marked invalid, described by an error message that is shown, and has
         * the focus, so a person on a phone is not left 1,000 px away from it.
         */
        void expectFieldError(By field, String name) throws Exception {
            waitUntil(browser, driver -> driver.findElements(field).stream()
                    .anyMatch(element -> "true".equals(element.getAttribute("aria-invalid"))), name + ": the field is marked invalid");
            WebElement input = browser.findElement(field);
            List<WebElement> descriptions = Stream.of(String.valueOf(input.getAttribute("aria-describedby")).split(" "))
                    .flatMap(id -> browser.findElements(By.id(id)).stream()).filter(WebElement::isDisplayed).toList();
            assertTrue(descriptions.stream().anyMatch(element -> element.getAttribute("class").contains("error")
                    && !element.getText().isBlank()), name + ": aria-describedby names a shown error message");
            assertEquals(input, browser.switchTo().activeElement(), name + ": the invalid field has the focus");
            KeyboardOnly.Stop focused = keyboard.active();
            assertTrue(focused.showsFocus(), name + ": the focus on the invalid field is visible: " + focused);
            page(name);
        }

        void follow(By link, String name) throws Exception {
            WebElement element = waitFor(browser, link, "a link " + link);
            assertFalse(element.getText().isBlank() && element.getAttribute("aria-label") == null, "the link " + link + " has a name");
            String target = URI.create(element.getAttribute("href")).getPath();
            if (element.isDisplayed()) {
                element.click();
            } else {
                // A menu item that shows on hover: a person opens the menu, this test follows the address.
                browser.get(element.getAttribute("href"));
            }
            waitForPath(browser, target, "following " + link);
            page(name);
        }

        void signOut() {
            waitFor(browser, LOG_OUT, "the Log Out button").click();
            waitForPath(browser, "/login", "Log Out leads to the login page");
        }

        void signInWithPassword() {
            browser.findElement(By.id("j_username")).sendKeys("admin");
            browser.findElement(By.id("j_password")).sendKeys(PASSWORD);
            browser.findElement(LOGIN_SUBMIT).click();
        }
    }

    private static WebDriver chromium(Path profile, String lang, int width) {
        // Selenium warns that it has no DevTools bindings for this Chromium version; this test needs none.
        java.util.logging.Logger.getLogger("org.openqa.selenium").setLevel(java.util.logging.Level.SEVERE);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=" + width + ",900", "--lang=" + lang);
        // What the browser sends as Accept-Language: the language a person chose.
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", lang));
        if (width < 500) {
            // Chromium keeps a window at least 500 px wide: a phone's width is its device emulation.
            options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics",
                    Map.of("width", width, "height", 844, "pixelRatio", 1.0, "mobile", true, "touch", false)));
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        // A headless page that was not clicked may not count as focused, and then no :focus style is drawn at all;
        // a person's browser window has the focus while they type.
        driver.executeCdpCommand("Emulation.setFocusEmulationEnabled", Map.of("enabled", true));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return driver;
    }

    private static WebElement waitFor(WebDriver browser, By locator, String what) {
        return waitForAll(browser, locator, what).get(0);
    }

    private static List<WebElement> waitForAll(WebDriver browser, By locator, String what) {
        waitUntil(browser, driver -> !driver.findElements(locator).isEmpty(), what);
        return browser.findElements(locator);
    }

    /** Waits (up to 20 s) until the browser shows {@code expected}; navigation after a key press may finish later. */
    private static void waitForPath(WebDriver browser, String expected, String why) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver -> expected.equals(path(driver)));
        } catch (TimeoutException e) {
            assertEquals(expected, path(browser), why + "; the browser shows " + browser.getCurrentUrl());
        }
    }

    private static void waitUntil(WebDriver browser, Predicate<WebDriver> condition, String why) {
        try {
            // An element found just before the page it was on is replaced (a form's answer loading) is stale when read:
            // that is "not yet", as a missing element is, so the wait asks again.
            new WebDriverWait(browser, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class).until(condition::test);
        } catch (TimeoutException e) {
            throw new AssertionError(why + "; the browser shows " + browser.getCurrentUrl() + ":\n" + browser.getPageSource(), e);
        }
    }

    private static String path(WebDriver browser) {
        return URI.create(browser.getCurrentUrl()).getPath();
    }
}
