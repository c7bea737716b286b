package dev.totpguard.example.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import dev.totpguard.otp.OtpAuthUri;
import dev.totpguard.otp.Totp;
import dev.totpguard.testkit.ExternalRequirement;
import dev.totpguard.testkit.WithoutBuildProperties;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Spring example in a real browser: Debian's headless Chromium through chromedriver (Selenium), against the
 * application on Spring Boot's embedded Tomcat. The first administrator signs in with the password, is sent to TOTP
 * Guard's enrollment page, scans the QR code (decoded with zxing from the page's image), confirms with a code, keeps
 * the recovery codes, reaches the admin page, signs out; signs in again with password and code; and once more with a
 * recovery code. Screenshots in {@code target/screenshots/spring/}. Skipped with a message when Chromium or
 * chromedriver is missing, a failure when {@code TOTPGUARD_REQUIRE_EXTERNAL=true}.
 */
@ExtendWith(WithoutBuildProperties.class)
class BrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path temp;

    @Test
    void anAdministratorEnrollsSignsInWithACodeAndWithARecoveryCodeInChromium() throws Exception {
        ExternalRequirement.assumeOrFail(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium and chromedriver (Debian packages chromium, chromium-driver)");
        Path screenshots = Path.of(System.getProperty("example-spring.target", "target")).resolve("screenshots/spring");
        Files.createDirectories(screenshots);
        Path data = temp.resolve("data");
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ExampleSpringApplication.class)
                .run("--server.port=0", "--example.data=" + data, "--spring.main.banner-mode=off",
                        // The filter jar is on this module's test class path for SharedLockoutIT only.
                        "--spring.autoconfigure.exclude=dev.totpguard.filter.TotpGuardAutoConfiguration")) {
            String base = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
            String password = Files.readString(data.resolve(FirstAdministrator.PASSWORD_FILE)).strip();
            WebDriver browser = chromium(temp.resolve("profile"));
            try {
                browser.get(base + "/admin/");
                waitForPath(browser, "/login", "the admin page asks for the password first");
                signIn(browser, password);
                waitUntil(browser, driver -> path(driver).startsWith("/totpguard/"), "TOTP Guard's enrollment after the password");

                WebElement qr = browser.findElement(By.cssSelector("img[src^='data:image/png']"));
                assertTrue(((Number) ((org.openqa.selenium.JavascriptExecutor) browser)
                        .executeScript("return arguments[0].naturalWidth", qr)).intValue() > 0, "the QR image loads");
                save(browser, screenshots.resolve("enrollment.png"));
                Authenticator phone = Authenticator.scan(qr.getAttribute("src"));
                submitCode(browser, By.id("code"), phone.next());

                WebElement codesBlock = browser.findElement(By.id("recovery-codes"));
                List<String> recoveryCodes = Arrays.stream(codesBlock.getText().split("\\R")).map(String::strip)
                        .filter(code -> !code.isEmpty()).toList();
                assertEquals(10, recoveryCodes.size(), browser.getPageSource());
                save(browser, screenshots.resolve("recovery-codes.png"));
                browser.findElement(By.xpath("//pre[@id='recovery-codes']/following::a[not(@download)][1]")).click();
                waitUntil(browser, driver -> driver.getPageSource().contains("id=\"welcome\""), "the admin page after enrollment");
                assertEquals("/admin/", path(browser));
                assertTrue(browser.findElement(By.id("status")).getText().equals("ACTIVE"), browser.getPageSource());
                save(browser, screenshots.resolve("admin.png"));
                signOut(browser);

                signIn(browser, password);
                waitUntil(browser, driver -> path(driver).startsWith("/totpguard/"), "the token page after the password");
                save(browser, screenshots.resolve("token-page.png"));
                submitCode(browser, By.id("code"), phone.next());
                waitUntil(browser, driver -> driver.getPageSource().contains("id=\"welcome\""), "signed in with password and code");
                signOut(browser);

                signIn(browser, password);
                waitUntil(browser, driver -> path(driver).startsWith("/totpguard/"), "the token page after the password");
                browser.findElement(By.cssSelector("a[href*='recovery']")).click();
                waitUntil(browser, driver -> !driver.findElements(By.id("recovery-code")).isEmpty(), "the recovery page");
                save(browser, screenshots.resolve("recovery-page.png"));
                submitCode(browser, By.id("recovery-code"), recoveryCodes.get(0));
                waitUntil(browser, driver -> driver.getPageSource().contains("id=\"welcome\""), "signed in with a recovery code");
                assertEquals("9", browser.findElement(By.id("recovery-codes-left")).getText(), "the recovery code is used up");
                signOut(browser);
                browser.navigate().back();
                waitUntil(browser, driver -> !driver.getPageSource().contains("id=\"welcome\""),
                        "after signing out the back button shows no admin page");
                // Every page of the way ran under its Content-Security-Policy (the application's, or TOTP Guard's own
                // on its pages) without Chromium refusing anything it needed.
                List<String> refused = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .map(LogEntry::getMessage).filter(message -> message.contains("Content Security Policy")).toList();
                assertEquals(List.of(), refused, "Chromium refused what a page needed");
            } finally {
                browser.quit();
            }
        }
        for (String shot : List.of("enrollment.png", "recovery-codes.png", "admin.png", "token-page.png", "recovery-page.png")) {
            assertTrue(Files.size(screenshots.resolve(shot)) > 0, shot);
        }
    }

    /** Spring Security's generated login page. */
    private static void signIn(WebDriver browser, String password) {
        if (!path(browser).equals("/login")) {
            browser.get(URI.create(browser.getCurrentUrl()).resolve("/admin/").toString());
            waitForPath(browser, "/login", "the admin page asks for the password first");
        }
        browser.findElement(By.id("username")).sendKeys(FirstAdministrator.NAME);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
    }

    private static void signOut(WebDriver browser) {
        browser.findElement(By.xpath("//button[normalize-space()='Sign out']")).click();
        waitForPath(browser, "/login", "signing out leads to the login page");
    }

    /** Types into the field and submits its form with the form's own button. */
    private static void submitCode(WebDriver browser, By field, String code) {
        WebElement input = browser.findElement(field);
        input.clear();
        input.sendKeys(code);
        input.findElement(By.xpath("ancestor::form//button[@type='submit']")).click();
    }

    private static WebDriver chromium(Path profile) {
        // Selenium warns that it has no DevTools bindings for this Chromium version; this test needs none.
        java.util.logging.Logger.getLogger("org.openqa.selenium").setLevel(java.util.logging.Level.SEVERE);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1200,1400");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        driver.manage().timeouts().implicitlyWait(Duration.ofSeconds(10));
        return driver;
    }

    private static void waitForPath(WebDriver browser, String expected, String why) {
        waitUntil(browser, driver -> expected.equals(path(driver)), why);
    }

    private static void waitUntil(WebDriver browser, Predicate<WebDriver> condition, String why) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(condition::test);
        } catch (TimeoutException e) {
            throw new AssertionError(why + "; the browser shows " + browser.getCurrentUrl() + ":\n" + browser.getPageSource(), e);
        }
    }

    private static String path(WebDriver browser) {
        return URI.create(browser.getCurrentUrl()).getPath();
    }

    private static void save(WebDriver browser, Path file) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The test person's authenticator app: the secret from the scanned QR code, and codes of steps the server has not
     * seen yet (it accepts each step once), waiting for the clock when the next one is not in the window yet.
     */
    private static final class Authenticator {

        private final Totp totp = Totp.builder().build();
        private final byte[] secret;
        private long lastStep = Long.MIN_VALUE;

        private Authenticator(byte[] secret) {
            this.secret = secret;
        }

        /** Decodes the QR code of an {@code <img src="data:image/png;base64,...">}, as a phone's scanner reads it. */
        static Authenticator scan(String source) throws Exception {
            String prefix = "data:image/png;base64,";
            assertTrue(source.startsWith(prefix), "the QR code is an inline PNG, never an outside URL");
            BufferedImage picture = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(source.substring(prefix.length()))));
            String text = new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(picture))),
                    Map.of(DecodeHintType.POSSIBLE_FORMATS, List.of(BarcodeFormat.QR_CODE))).getText();
            OtpAuthUri uri = OtpAuthUri.parse(text);
            assertEquals(StorageConfiguration.ISSUER, uri.issuer(), text);
            return new Authenticator(uri.secret().bytes());
        }

        String next() throws InterruptedException {
            long current = totp.currentStep();
            long step = Math.max(lastStep + 1, current);
            if (step > current + 1) {
                long period = totp.parameters().periodSeconds() * 1000;
                Thread.sleep((step - 1) * period - System.currentTimeMillis() + 200);
            }
            lastStep = step;
            return totp.generateAtStep(secret, step);
        }
    }
}
