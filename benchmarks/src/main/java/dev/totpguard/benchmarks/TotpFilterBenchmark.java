package dev.totpguard.benchmarks;

import dev.totpguard.Enrollment;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.filter.TotpFilter;
import dev.totpguard.otp.Hotp;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.store.InMemoryCredentialStore;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.FormAuthenticator;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.security.Credential;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link TotpFilter} on embedded Jetty 12 (ee10), requests sent in-process as raw HTTP/1.1 through Jetty's
 * {@code LocalConnector}: no sockets, so what is left is Jetty's request handling, its FORM login (the
 * session carries the password login) and the filter.
 *
 * <p>Two identical contexts on one server, {@code /with} (the filter mapped to {@code /*}, protecting
 * {@code /admin/*}) and {@code /without}, each with a FORM login over an in-memory realm and a servlet at
 * {@code /admin/*} that writes "ok". The service behind the filter uses the {@link InMemoryCredentialStore}
 * (the store's own cost is {@link TwoFactorServiceBenchmark}'s subject).
 *
 * <ul>
 *   <li>{@code withoutFilter} / {@code withFilter}: GET a protected page in a session that is signed in
 *       (and, with the filter, has entered its code): the per-request cost of the filter is the difference.
 *   <li>{@code unverifiedRedirect}: the same GET in a session signed in with the password only: the filter
 *       asks the service whether the user is enrolled and answers 302 to its token page.
 *   <li>{@code tokenPageAndVerifyPost}: the second step of a login as a browser does it: GET the token page
 *       (whose form carries the CSRF token), POST the code to {@code /verify}: service verify, new session
 *       id, 302 back. The clock moves one step per operation so each code is fresh.
 * </ul>
 *
 * Every operation checks the status it got, so a broken session cannot be measured by mistake. Both contexts carry
 * an {@link AllocationMeter} around the filter (around nothing in {@code /without}); the tear-down prints the bytes
 * the filter itself allocated per request it let through, which {@code -prof gc} cannot resolve within Jetty's 20 KB.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class TotpFilterBenchmark {

    private static final String USER = "alice";
    private static final String PASSWORD = "correct horse battery staple";
    private static final Pattern SESSION_COOKIE = Pattern.compile("(?im)^Set-Cookie: *JSESSIONID=([^;\\r\\n]+)");
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"totpguard_csrf\" value=\"([^\"]+)\"");

    private final SettableClock clock = new SettableClock(TotpCase.NOW);
    private final AllocationMeter withMeter = new AllocationMeter();
    private final AllocationMeter withoutMeter = new AllocationMeter();
    private Server server;
    private LocalConnector connector;
    private TwoFactorService service;
    private Hotp codes;
    private byte[] key;
    private long step;
    private long periodMillis;
    private String currentCode;

    private String verifiedWithFilter;
    private String signedInWithoutFilter;
    private String passwordOnly;
    private String loginSession;
    private String withFilterRequest;
    private String withoutFilterRequest;
    private String unverifiedRequest;

    @Setup
    public void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        service = TwoFactorService.builder()
                .store(new InMemoryCredentialStore())
                .keyRing(KeyRing.generate(random))
                .policy(TwoFactorPolicy.defaults())
                .clock(clock)
                .random(random)
                .recoveryCodeIterations(1_000)
                .listener(event -> {
                    // Audit events are dropped: the cost of logging depends on the application's sink.
                })
                .build();
        TotpParameters parameters = service.policy().parameters();
        codes = new Hotp(parameters.algorithm(), parameters.digits());
        periodMillis = TimeUnit.SECONDS.toMillis(parameters.periodSeconds());
        step = parameters.timeStep(TotpCase.NOW);
        clock.set(step * periodMillis + periodMillis / 2);
        Enrollment enrollment = service.startEnrollment(USER);
        key = enrollment.otpAuthUri().secret().bytes();
        currentCode = codes.generateString(key, step);
        EnrollmentResult enrolled = service.confirmEnrollment(USER, enrollment.nonce(), currentCode, null);
        if (!enrolled.isAccepted()) {
            throw new IllegalStateException("Enrollment refused: " + enrolled.verification());
        }

        server = new Server();
        connector = new LocalConnector(server);
        server.addConnector(connector);
        UserStore users = new UserStore();
        users.addUser(USER, Credential.getCredential(PASSWORD), new String[] {"admin"});
        HashLoginService realm = new HashLoginService("bench");
        realm.setUserStore(users);
        server.addBean(realm);
        TotpFilter filter = TotpFilter.builder().service(service).random(random).build();
        server.setHandler(new ContextHandlerCollection(context("/with", realm, filter, withMeter),
                context("/without", realm, null, withoutMeter)));
        server.start();

        verifiedWithFilter = signIn("/with");
        nextStep();
        verifyCode(verifiedWithFilter, "HTTP/1.1 30");
        verifiedWithFilter = lastSession;
        signedInWithoutFilter = signIn("/without");
        passwordOnly = signIn("/with");
        loginSession = signIn("/with");

        withFilterRequest = get("/with/admin/page", verifiedWithFilter);
        withoutFilterRequest = get("/without/admin/page", signedInWithoutFilter);
        unverifiedRequest = get("/with/admin/page", passwordOnly);
        check(withFilter(), "HTTP/1.1 200", "a verified session through the filter");
        check(withoutFilter(), "HTTP/1.1 200", "a signed-in session without the filter");
        check(unverifiedRedirect(), "HTTP/1.1 30", "a password-only session through the filter");
        withMeter.reset();
        withoutMeter.reset();
    }

    private static ServletContextHandler context(String path, HashLoginService realm, TotpFilter filter, AllocationMeter meter) {
        ServletContextHandler context = new ServletContextHandler(path, ServletContextHandler.SESSIONS | ServletContextHandler.SECURITY);
        context.addServlet(new ServletHolder(new OkServlet()), "/admin/*");
        ConstraintSecurityHandler security = (ConstraintSecurityHandler) context.getSecurityHandler();
        security.setLoginService(realm);
        security.setAuthenticator(new FormAuthenticator("/login", "/login?error", false));
        ConstraintMapping admin = new ConstraintMapping();
        admin.setPathSpec("/admin/*");
        admin.setConstraint(Constraint.from("admin"));
        security.addConstraintMapping(admin);
        context.addServletContainerInitializer((classes, servletContext) -> {
            meter.addStart(servletContext);
            if (filter != null) {
                TotpFilter.register(servletContext, filter);
            }
            meter.addEnd(servletContext);
        });
        return context;
    }

    /** The protected page's content: a few bytes, so the request handling dominates. */
    static final class OkServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().write("ok");
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        if (withMeter.requests() > 0 || withoutMeter.requests() > 0) {
            // Read by BENCHMARKS.md: the filter's own bytes on the verified hot path, exact (see AllocationMeter).
            System.out.printf("%nTotpFilterBenchmark allocation between the marks: with the filter %.2f B/request (%d requests),"
                    + " without %.2f B/request (%d requests)%n", withMeter.bytesPerRequest(), withMeter.requests(),
                    withoutMeter.bytesPerRequest(), withoutMeter.requests());
        }
        server.stop();
        service.close();
    }

    @Benchmark
    public String withoutFilter() throws Exception {
        return check(connector.getResponse(withoutFilterRequest), "HTTP/1.1 200", "withoutFilter");
    }

    @Benchmark
    public String withFilter() throws Exception {
        return check(connector.getResponse(withFilterRequest), "HTTP/1.1 200", "withFilter");
    }

    @Benchmark
    public String unverifiedRedirect() throws Exception {
        return check(connector.getResponse(unverifiedRequest), "HTTP/1.1 30", "unverifiedRedirect");
    }

    @Benchmark
    public String tokenPageAndVerifyPost() throws Exception {
        nextStep();
        String response = verifyCode(loginSession, "HTTP/1.1 30");
        loginSession = lastSession;
        return response;
    }

    // ---- HTTP plumbing (set-up and the login benchmark)

    private String lastSession;

    /** FORM login: the protected page saves the target and redirects; the password POST signs in. */
    private String signIn(String context) throws Exception {
        String first = connector.getResponse(get(context + "/admin/page", null));
        String session = sessionOf(first, null);
        String body = "j_username=" + USER + "&j_password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
        String login = check(connector.getResponse(post(context + "/j_security_check", session, body)), "HTTP/1.1 30", "FORM login");
        return sessionOf(login, session);
    }

    /** GET the token page for its CSRF token, POST the current code; remembers the new session id. */
    private String verifyCode(String session, String expected) throws Exception {
        String page = check(connector.getResponse(get("/with/totpguard/token", session)), "HTTP/1.1 200", "token page");
        Matcher csrf = CSRF_FIELD.matcher(page);
        if (!csrf.find()) {
            throw new IllegalStateException("The token page has no CSRF field");
        }
        String body = "code=" + currentCode + "&totpguard_csrf=" + csrf.group(1);
        String response = check(connector.getResponse(post("/with/totpguard/verify", session, body)), expected, "verify POST");
        lastSession = sessionOf(response, session);
        return response;
    }

    /**
     * Moves the clock one step and computes its code. About once in a million steps a code equals the previous
     * step's; the previous login then used up this step too (the highest matching step wins) and the service
     * rightly calls the code a replay, so such a step is skipped.
     */
    private void nextStep() {
        String code;
        do {
            step++;
            code = codes.generateString(key, step);
        } while (code.equals(currentCode));
        currentCode = code;
        clock.set(step * periodMillis + periodMillis / 2);
    }

    private static String get(String path, String session) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                + (session == null ? "" : "Cookie: JSESSIONID=" + session + "\r\n") + "\r\n";
    }

    private static String post(String path, String session, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nCookie: JSESSIONID=" + session + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String sessionOf(String response, String previous) {
        Matcher cookie = SESSION_COOKIE.matcher(response);
        return cookie.find() ? cookie.group(1) : previous;
    }

    private static String check(String response, String statusLine, String what) {
        if (response == null || !response.startsWith(statusLine)) {
            String status = response == null ? "no response" : response.lines().findFirst().orElse("");
            throw new IllegalStateException(what + ": expected " + statusLine + ", got " + status);
        }
        return response;
    }
}
