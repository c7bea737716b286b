package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.testkit.ExternalRequirement;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin flow in a real browser: Debian's headless Chromium driven through chromedriver (Selenium), against the
 * launcher jar. Screenshots of the enrollment page and of the token page are saved under
 * {@code target/screenshots/}. Skipped with a message when Chromium or chromedriver is missing, a failure when
 * {@code TOTPGUARD_REQUIRE_EXTERNAL=true}.
 */
class BrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String PASSWORD = "browser-admin-password";

    @TempDir
    Path temp;

    @Test
    void anAdministratorEnablesTotpAndSignsInWithItInChromium() throws Exception {
        ExternalRequirement.assumeOrFail(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium and chromedriver (Debian packages chromium, chromium-driver)");
        Path screenshots = Path.of(System.getProperty("totpguard.example.target", "target")).resolve("screenshots");
        Files.createDirectories(screenshots);
        try (LauncherProcess launcher = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD),
                "--port", "0", "--data", temp.resolve("data").toString())) {
            WebDriver browser = chromium(temp.resolve("profile"));
            try {
                browser.get(launcher.baseUrl() + "/admin/");
                assertEquals("/login", path(browser));
                typeInto(browser, "Username", "admin");
                typeInto(browser, "Password", PASSWORD);
                button(browser, "Login").click();
                waitForText(browser, "Welcome, admin", "signed in");

                visibleLink(browser, "Setup").click();
                visibleLink(browser, "Staff Management").click();
                visibleLink(browser, "Administrators").click();
                browser.findElement(By.xpath("//tr[td[1]='admin']//a[normalize-space()='Edit']")).click();
                assertEquals("Two-Factor Authentication", browser.findElement(By.cssSelector("#two-factor h2")).getText());
                button(browser, "Time-based Tokens (TOTP)").click();

                WebElement qr = browser.findElement(By.cssSelector("img[alt*='QR code']"));
                assertTrue(qr.isDisplayed());
                assertTrue(((Number) ((org.openqa.selenium.JavascriptExecutor) browser)
                        .executeScript("return arguments[0].naturalWidth", qr)).intValue() > 0, "the QR image loads under the CSP");
                save(browser, screenshots.resolve("enrollment.png"));
                TotpCodes app = TotpCodes.fromImageSource(qr.getAttribute("src"));
                typeInto(browser, "Token Code", app.next());
                button(browser, "Save Changes").click();
                List<WebElement> codes = browser.findElements(By.cssSelector("ul.recovery-codes code"));
                assertEquals(10, codes.size(), browser.getPageSource());

                visibleLink(browser, "I have saved my recovery codes").click();
                // The code that turned TOTP on also passed the second factor for this session: no token page now.
                waitForText(browser, "Status: <strong class=\"status\">Enabled", "TOTP is enabled after the code");
                assertEquals("/admin/setup/staff/administrators/edit", path(browser));

                button(browser, "Log Out").click();
                waitForPath(browser, "/login", "Log Out leads to the login page");
                typeInto(browser, "Username", "admin");
                typeInto(browser, "Password", PASSWORD);
                button(browser, "Login").click();
                waitUntil(browser, driver -> path(driver).startsWith("/totpguard/"), "TOTP Guard's token page after the password");
                save(browser, screenshots.resolve("token-page.png"));
                typeInto(browser, "Token Code", app.next());
                button(browser, "Verify").click();
                waitForText(browser, "Welcome, admin", "signed in with the password and the code");

                button(browser, "Log Out").click();
                waitForPath(browser, "/login", "Log Out leads to the login page");
                assertTrue(browser.getPageSource().contains("You have been logged out"));
                browser.navigate().back();
                waitForPath(browser, "/login", "after logout the back button shows no admin page");
            } finally {
                browser.quit();
            }
        }
        assertTrue(Files.size(screenshots.resolve("enrollment.png")) > 0 && Files.size(screenshots.resolve("token-page.png")) > 0);
    }

    private static WebDriver chromium(Path profile) {
        // Selenium warns that it has no DevTools bindings for this Chromium version; this test needs none.
        java.util.logging.Logger.getLogger("org.openqa.selenium").setLevel(java.util.logging.Level.SEVERE);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1200,1400");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        // A click that submits a form may return before the next page is there: look for elements for a while.
        driver.manage().timeouts().implicitlyWait(Duration.ofSeconds(10));
        return driver;
    }

    /** Waits (up to 20 s) until the browser shows {@code expected}; navigation after a click may finish later. */
    private static void waitForPath(WebDriver browser, String expected, String why) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver -> expected.equals(path(driver)));
        } catch (TimeoutException e) {
            assertEquals(expected, path(browser), why + "; the browser shows " + browser.getCurrentUrl());
        }
    }

    /** Waits (up to 20 s) until the page holds {@code text}: a click that submits a form returns before the next page. */
    private static void waitForText(WebDriver browser, String text, String why) {
        waitUntil(browser, driver -> driver.getPageSource().contains(text), why);
    }

    private static void waitUntil(WebDriver browser, java.util.function.Predicate<WebDriver> condition, String why) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(condition::test);
        } catch (TimeoutException e) {
            throw new AssertionError(why + "; the browser shows " + browser.getCurrentUrl() + ":\n" + browser.getPageSource(), e);
        }
    }

    private static String path(WebDriver browser) {
        return java.net.URI.create(browser.getCurrentUrl()).getPath();
    }

    private static void typeInto(WebDriver browser, String label, String text) {
        WebElement labelElement = browser.findElement(By.xpath("//label[normalize-space()='" + label + "']"));
        WebElement input = browser.findElement(By.id(labelElement.getAttribute("for")));
        input.clear();
        input.sendKeys(text);
    }

    private static WebElement button(WebDriver browser, String label) {
        return browser.findElements(By.xpath("//button[normalize-space()='" + label + "']")).stream()
                .filter(WebElement::isDisplayed).findFirst().orElseThrow(() -> new AssertionError("no visible button " + label));
    }

    private static WebElement visibleLink(WebDriver browser, String text) {
        return browser.findElements(By.linkText(text)).stream().filter(WebElement::isDisplayed).findFirst()
                .orElseThrow(() -> new AssertionError("no visible link " + text + " on " + browser.getCurrentUrl()));
    }

    private static void save(WebDriver browser, Path file) throws Exception {
        File shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }
}
