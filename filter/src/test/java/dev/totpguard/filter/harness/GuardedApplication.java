package dev.totpguard.filter.harness;

import dev.totpguard.filter.TotpFilter;
import dev.totpguard.testkit.Browser;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test web application guarded by TOTP Guard over one {@link TwoFactorFixture}, started on one container or on
 * Jetty and Tomcat side by side (for the tests that run each case on both,
 * {@code @ValueSource(strings = {"jetty", "tomcat"})}). Hands out user names no other case of the test class has used.
 * Closes the containers, then the fixture.
 */
public final class GuardedApplication implements AutoCloseable {

    private final TwoFactorFixture fixture;
    private final Map<String, WebContainer> containers = new LinkedHashMap<>();
    private final AtomicInteger nextUser = new AtomicInteger();

    private GuardedApplication(TwoFactorFixture fixture) {
        this.fixture = fixture;
    }

    /** What to deploy, built from the fixture (usually a filter over its service and clock). */
    @FunctionalInterface
    public interface Setup {
        WebContainer.Deployment deployment(TwoFactorFixture fixture) throws Exception;
    }

    /** Starts the deployment {@code setup} makes on Jetty and on Tomcat. */
    public static GuardedApplication onJettyAndTomcat(TwoFactorFixture fixture, Setup setup) throws Exception {
        return start(fixture, setup, List.of("jetty", "tomcat"));
    }

    /** Starts the deployment {@code setup} makes on the container {@code kind} ("jetty" or "tomcat"). */
    public static GuardedApplication on(String kind, TwoFactorFixture fixture, Setup setup) throws Exception {
        return start(fixture, setup, List.of(kind));
    }

    /** The usual setup: the web application in {@code webapp} with a default filter over the fixture's service and clock. */
    public static Setup withFilter(Path webapp) {
        return fixture -> new WebContainer.Deployment(webapp).initializer(TotpFilter.initializer(
                TotpFilter.builder().service(fixture.service()).clock(fixture.clock()).build()));
    }

    /** Starts on every one of {@code kinds}; on a failure closes what started, and the fixture. */
    private static GuardedApplication start(TwoFactorFixture fixture, Setup setup, List<String> kinds) throws Exception {
        GuardedApplication application = new GuardedApplication(fixture);
        try {
            WebContainer.Deployment deployment = setup.deployment(fixture);
            for (String kind : kinds) {
                application.containers.put(kind, WebContainer.start(kind, deployment));
            }
        } catch (Exception | Error e) {
            application.close();
            throw e;
        }
        return application;
    }

    public TwoFactorFixture fixture() {
        return fixture;
    }

    public WebContainer container(String kind) {
        WebContainer container = containers.get(kind);
        if (container == null) {
            throw new IllegalArgumentException("no container " + kind);
        }
        return container;
    }

    /** The only container, when started {@link #on(String, TwoFactorFixture, Setup) on one}. */
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
        fixture.close();
    }
}
