package dev.totpguard.filter.harness;

import dev.totpguard.filter.TotpFilter;
import dev.totpguard.testkit.Browser;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test web application guarded by TOTP Guard over one {@link TwoFactorFixture}, on one container or on Jetty and
 * Tomcat side by side (for the tests that run each case on both, {@code @ValueSource(strings = {"jetty", "tomcat"})}).
 * As a {@code static} {@code @RegisterExtension} field it starts before the class's tests and is closed after them;
 * {@link #start()} starts it by hand. Hands out user names no other case of the test class has used. Closes the
 * containers, then the fixture.
 */
public final class GuardedApplication implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    private final FixtureFactory fixtureFactory;
    private final Setup setup;
    private final List<String> kinds;
    private final Map<String, WebContainer> containers = new LinkedHashMap<>();
    private final AtomicInteger nextUser = new AtomicInteger();
    private TwoFactorFixture fixture;

    private GuardedApplication(FixtureFactory fixtureFactory, Setup setup, List<String> kinds) {
        this.fixtureFactory = fixtureFactory;
        this.setup = setup;
        this.kinds = kinds;
    }

    /** Makes the fixture, e.g. {@code () -> TwoFactorFixture.h2(Enforcement.REQUIRED)}. */
    @FunctionalInterface
    public interface FixtureFactory {
        TwoFactorFixture create() throws Exception;
    }

    /** What to deploy, built from the fixture (usually a filter over its service and clock). */
    @FunctionalInterface
    public interface Setup {
        WebContainer.Deployment deployment(TwoFactorFixture fixture) throws Exception;
    }

    /** The deployment {@code setup} makes, on Jetty and on Tomcat; not started yet. */
    public static GuardedApplication onJettyAndTomcat(FixtureFactory fixture, Setup setup) {
        return new GuardedApplication(fixture, setup, List.of("jetty", "tomcat"));
    }

    /** The deployment {@code setup} makes, on the container {@code kind} ("jetty" or "tomcat"); not started yet. */
    public static GuardedApplication on(String kind, FixtureFactory fixture, Setup setup) {
        return new GuardedApplication(fixture, setup, List.of(kind));
    }

    /** The usual setup: the web application in {@code webapp} with a default filter over the fixture's service and clock. */
    public static Setup withFilter(Path webapp) {
        return fixture -> new WebContainer.Deployment(webapp).initializer(TotpFilter.initializer(
                TotpFilter.builder().service(fixture.service()).build()));
    }

    /** Makes the fixture and starts every container; on a failure closes what started, and the fixture. */
    public GuardedApplication start() throws Exception {
        if (fixture != null) {
            throw new IllegalStateException("started already");
        }
        fixture = fixtureFactory.create();
        try {
            WebContainer.Deployment deployment = setup.deployment(fixture);
            for (String kind : kinds) {
                containers.put(kind, WebContainer.start(kind, deployment));
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    public TwoFactorFixture fixture() {
        if (fixture == null) {
            throw new IllegalStateException("not started");
        }
        return fixture;
    }

    public WebContainer container(String kind) {
        WebContainer container = containers.get(kind);
        if (container == null) {
            throw new IllegalArgumentException("no container " + kind);
        }
        return container;
    }

    /** The only container, when started {@link #on(String, FixtureFactory, Setup) on one}. */
    public WebContainer container() {
        if (containers.size() != 1) {
            throw new IllegalStateException("started on " + containers.keySet() + ": name the container");
        }
        return containers.values().iterator().next();
    }

    /** The containers, in the order they started. */
    public List<WebContainer> containers() {
        return List.copyOf(containers.values());
    }

    /** A new browser, without cookies, for the application on {@code kind}. */
    public Browser browser(String kind) {
        return new Browser(container(kind).base());
    }

    /** {@code prefix} and a two-digit number not handed out before: {@code "user07"} for the test realm's users. */
    public String newUser(String prefix) {
        return String.format("%s%02d", prefix, nextUser.incrementAndGet());
    }

    @Override
    public void close() throws Exception {
        for (WebContainer container : containers.values()) {
            container.close();
        }
        containers.clear();
        if (fixture != null) {
            fixture.close();
        }
    }
}
