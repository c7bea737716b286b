package dev.totpguard.filter;

import dev.totpguard.TotpVerifiedPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.security.Principal;
import javax.security.auth.Subject;
import javax.security.auth.login.LoginContext;

/**
 * Finds the {@link TotpVerifiedPrincipal} that TOTP Guard's JAAS login module adds when it already checked
 * a code at login, so the filter does not ask a second time. Looked for in the request's user principal
 * itself and in the JAAS {@link Subject} behind it, which containers expose differently: Jetty's
 * {@code JAASUserPrincipal.getSubject()}, Tomcat's {@code GenericPrincipal.getLoginContext()}. Only a
 * principal for the same user name counts. Stateless and thread-safe.
 */
final class VerifiedPrincipals {

    private VerifiedPrincipals() {
    }

    /** The newest matching principal, or {@code null}. */
    static TotpVerifiedPrincipal find(HttpServletRequest request, String user) {
        Principal principal = request.getUserPrincipal();
        if (principal == null) {
            return null;
        }
        if (principal instanceof TotpVerifiedPrincipal) {
            return principal.getName().equals(user) ? (TotpVerifiedPrincipal) principal : null;
        }
        Subject subject = subjectOf(principal);
        if (subject == null) {
            return null;
        }
        TotpVerifiedPrincipal newest = null;
        for (TotpVerifiedPrincipal candidate : subject.getPrincipals(TotpVerifiedPrincipal.class)) {
            if (candidate.getName().equals(user)
                    && (newest == null || candidate.verifiedAt().isAfter(newest.verifiedAt()))) {
                newest = candidate;
            }
        }
        return newest;
    }

    private static Subject subjectOf(Principal principal) {
        Object subject = call(principal, "getSubject");
        if (subject instanceof Subject) {
            return (Subject) subject;
        }
        Object loginContext = call(principal, "getLoginContext");
        if (loginContext instanceof LoginContext) {
            return ((LoginContext) loginContext).getSubject();
        }
        return null;
    }

    private static Object call(Object target, String getter) {
        try {
            Method method = target.getClass().getMethod(getter);
            return method.getParameterCount() == 0 ? method.invoke(target) : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Not a JAAS-backed principal, or not accessible: there is simply no subject to look at.
            return null;
        }
    }
}
