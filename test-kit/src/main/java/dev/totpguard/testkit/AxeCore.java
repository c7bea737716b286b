package dev.totpguard.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * Deque's axe-core accessibility engine, as the npm registry publishes it, run inside the page a Selenium browser
 * shows. The tarball of one pinned version is downloaded once, checked against the registry's {@code sha512}
 * integrity value pinned here (a mismatch fails the test: it is never run), and kept in a cache folder; every later
 * run reads the cache and checks it again. When the registry cannot be reached and nothing is cached, the test is
 * skipped or fails as {@link ExternalRequirement} decides.
 *
 * <p>The script is injected through WebDriver's {@code executeScript}, which Chromium runs through DevTools, outside
 * the page's Content-Security-Policy: the pages under test keep their {@code script-src 'none'} or nonce policy.
 * Instances are immutable; {@link #analyze} is safe to call from one thread per browser.
 */
public final class AxeCore {

    /** The pinned axe-core release (npm {@code axe-core}). */
    public static final String VERSION = "4.14.1";

    /** {@code npm view axe-core@4.14.1 dist.integrity}: the tarball must hash to exactly this. */
    static final String INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==";

    private static final URI TARBALL = URI.create("https://registry.npmjs.org/axe-core/-/axe-core-" + VERSION + ".tgz");
    private static final String SCRIPT_ENTRY = "package/axe.min.js";
    private static final Set<String> FAILING_IMPACTS = Set.of("serious", "critical");

    // Runs every rule axe-core enables by default (WCAG 2.0-2.2 A/AA and best practices) and hands back plain values,
    // which Selenium turns into lists and maps.
    private static final String RUN = """
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']}).then(result => done(result.violations.map(v => ({
                rule: v.id, impact: v.impact || 'unknown', help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: JSON.stringify(n.target), html: n.html,
                        summary: n.failureSummary || ''}))
            })))).catch(e => done('axe.run failed: ' + e));
            """;

    private final String script;

    private AxeCore(String script) {
        this.script = script;
    }

    /** A rule that a page breaks, with the elements that break it. {@code impact} is axe-core's word for it. */
    public record Violation(String rule, String impact, String help, String helpUrl, List<Node> nodes) {

        /** True for the impacts that fail a test: {@code serious} and {@code critical}. */
        public boolean isSeriousOrWorse() {
            return FAILING_IMPACTS.contains(impact);
        }

        @Override
        public String toString() {
            return "[" + impact + "] " + rule + ": " + help + " (" + helpUrl + ")" + nodes.stream()
                    .map(node -> "\n    " + node).collect(Collectors.joining());
        }
    }

    /** One element that breaks a rule: its CSS selector path, its markup and axe-core's explanation. */
    public record Node(String target, String html, String summary) {

        @Override
        public String toString() {
            return target + " " + html + "\n      " + summary.replace("\n", "\n      ");
        }
    }

    /**
     * Reads axe-core from {@code cacheDirectory}, downloading it there first if needed. Skips or fails the calling
     * test (see {@link ExternalRequirement}) when it is neither cached nor downloadable; throws {@link AssertionError}
     * when the tarball does not match the pinned integrity.
     */
    public static AxeCore load(Path cacheDirectory) {
        Path tarball = cacheDirectory.resolve("axe-core-" + VERSION + ".tgz");
        try {
            if (!Files.isRegularFile(tarball)) {
                byte[] downloaded = download();
                ExternalRequirement.assumeOrFail(downloaded != null, "axe-core " + VERSION + " from " + TARBALL
                        + " (network access to the npm registry)");
                verify(downloaded, TARBALL.toString());
                Files.createDirectories(cacheDirectory);
                Path partial = Files.createTempFile(cacheDirectory, "axe-core-", ".part");
                Files.write(partial, downloaded);
                Files.move(partial, tarball, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            byte[] cached = Files.readAllBytes(tarball);
            // Checked again on every run: the cache folder is writable by anyone who can run the build.
            verify(cached, tarball.toString());
            return new AxeCore(extractScript(cached));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or cache axe-core in " + cacheDirectory, e);
        }
    }

    /** The cache folder outside {@code target/}, so {@code mvn clean} does not download it again. */
    public static Path defaultCacheDirectory() {
        return Path.of(System.getProperty("user.home"), ".m2", "totpguard-test-cache", "npm");
    }

    /**
     * Runs axe-core on the page {@code browser} shows now and returns every violation, of every impact. The browser's
     * script timeout must leave axe-core a few seconds.
     */
    public List<Violation> analyze(WebDriver browser) {
        JavascriptExecutor javascript = (JavascriptExecutor) browser;
        if (!Boolean.TRUE.equals(javascript.executeScript("return typeof window.axe === 'object'"))) {
            javascript.executeScript(script);
        }
        Object result = javascript.executeAsyncScript(RUN);
        if (!(result instanceof List<?> violations)) {
            throw new AssertionError("axe-core did not run on " + browser.getCurrentUrl() + ": " + result);
        }
        List<Violation> found = new ArrayList<>();
        for (Object item : violations) {
            Map<?, ?> violation = (Map<?, ?>) item;
            List<Node> nodes = new ArrayList<>();
            for (Object nodeItem : (List<?>) violation.get("nodes")) {
                Map<?, ?> node = (Map<?, ?>) nodeItem;
                nodes.add(new Node(String.valueOf(node.get("target")), String.valueOf(node.get("html")),
                        String.valueOf(node.get("summary"))));
            }
            found.add(new Violation(String.valueOf(violation.get("rule")),
                    String.valueOf(violation.get("impact")).toLowerCase(Locale.ROOT), String.valueOf(violation.get("help")),
                    String.valueOf(violation.get("helpUrl")), List.copyOf(nodes)));
        }
        return List.copyOf(found);
    }

    /** Every violation on its own lines, for a failure message. */
    public static String describe(List<Violation> violations) {
        return violations.isEmpty() ? "no violations"
                : violations.stream().map(Violation::toString).collect(Collectors.joining("\n  ", "  ", ""));
    }

    /** The tarball, or {@code null} when the registry cannot be reached. */
    private static byte[] download() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest request = HttpRequest.newBuilder(TARBALL).timeout(Duration.ofSeconds(60)).GET().build();
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new AssertionError(TARBALL + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while downloading " + TARBALL, e);
        }
    }

    private static void verify(byte[] tarball, String source) {
        String actual;
        try {
            actual = "sha512-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(tarball));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java runtime has SHA-512", e);
        }
        // No secret here: a plain comparison is fine.
        if (!INTEGRITY.equals(actual)) {
            throw new AssertionError(source + " is not axe-core " + VERSION + " as the npm registry published it: integrity "
                    + actual + ", expected " + INTEGRITY);
        }
    }

    private static String extractScript(byte[] tarball) throws IOException {
        try (InputStream gzip = new GzipCompressorInputStream(new java.io.ByteArrayInputStream(tarball));
             TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.isFile() && SCRIPT_ENTRY.equals(entry.getName())) {
                    return new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("axe-core " + VERSION + "'s tarball has no " + SCRIPT_ENTRY);
    }
}
