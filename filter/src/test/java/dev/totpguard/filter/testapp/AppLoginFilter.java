package dev.totpguard.filter.testapp;

import dev.totpguard.TotpEnrollmentRequiredPrincipal;
import dev.totpguard.TotpVerifiedPrincipal;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.security.Principal;
import java.time.Instant;
import java.util.Set;
import javax.security.auth.Subject;

/**
 * An application's own login, as many applications have one: the signed-in user is a session attribute,
 * and the request is wrapped so that the rest of the application sees it as the user principal. When the
 * session says so, the principal carries a JAAS {@link Subject} with a {@link TotpVerifiedPrincipal}, the
 * way TOTP Guard's JAAS login module leaves it after checking a code at login (or a
 * {@link TotpEnrollmentRequiredPrincipal} for a user it let in to enroll); with shape "direct" that
 * principal is the user principal itself, as Tomcat's JAASRealm makes it when {@code userClassNames} names it.
 */
public final class AppLoginFilter implements Filter {

    public static final String USER = "app.user";
    public static final String VERIFIED_AS = "app.verifiedAs";
    public static final String VERIFIED_AT = "app.verifiedAt";
    /** "subject" (default: Jetty's JAASUserPrincipal shape) or "direct" (Tomcat JAASRealm with userClassNames). */
    public static final String SHAPE = "app.shape";
    public static final String MUST_ENROLL = "app.mustEnroll";

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpSession session = request.getSession(false);
        Object user = session == null ? null : session.getAttribute(USER);
        if (!(user instanceof String)) {
            chain.doFilter(req, res);
            return;
        }
        Subject subject = new Subject();
        Object verifiedAs = session.getAttribute(VERIFIED_AS);
        Principal principal = new JaasStylePrincipal((String) user, subject);
        if (verifiedAs instanceof String) {
            TotpVerifiedPrincipal verified = new TotpVerifiedPrincipal((String) verifiedAs,
                    (Instant) session.getAttribute(VERIFIED_AT));
            subject.getPrincipals().add(verified);
            if ("direct".equals(session.getAttribute(SHAPE))) {
                principal = verified;
            }
        }
        if (Boolean.TRUE.equals(session.getAttribute(MUST_ENROLL))) {
            TotpEnrollmentRequiredPrincipal mustEnroll = new TotpEnrollmentRequiredPrincipal((String) user);
            subject.getPrincipals().add(mustEnroll);
            if ("direct".equals(session.getAttribute(SHAPE))) {
                principal = mustEnroll;
            }
        }
        Principal userPrincipal = principal;
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public String getRemoteUser() {
                return (String) user;
            }

            @Override
            public Principal getUserPrincipal() {
                return userPrincipal;
            }

            @Override
            public boolean isUserInRole(String role) {
                return Set.of("admin").contains(role);
            }
        }, res);
    }

    /** Like Jetty's JAASUserPrincipal: a user principal that exposes the JAAS subject of the login. */
    public static final class JaasStylePrincipal implements Principal {
        private final String name;
        private final Subject subject;

        JaasStylePrincipal(String name, Subject subject) {
            this.name = name;
            this.subject = subject;
        }

        @Override
        public String getName() {
            return name;
        }

        public Subject getSubject() {
            return subject;
        }
    }
}
