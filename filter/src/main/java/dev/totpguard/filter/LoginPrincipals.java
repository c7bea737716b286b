package dev.totpguard.filter;

import dev.totpguard.TotpEnrollmentRequiredPrincipal;
import dev.totpguard.TotpVerifiedPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.Subject;
import javax.security.auth.login.LoginContext;

/**
 * Reads what TOTP Guard's JAAS login module and Jakarta Authentication module leave in a login: a
 * {@link TotpVerifiedPrincipal} (a code was checked at login, so the filter does not ask again) or a
 * {@link TotpEnrollmentRequiredPrincipal} (the password was checked, the user has no second factor yet and
 * must enroll first, whatever the policy).
 *
 * <p>Containers expose a JAAS login differently, so each is looked for in the request's user principal
 * itself (Tomcat's {@code JAASRealm} with {@code userClassNames} naming the two core classes, or a
 * Jakarta Authentication caller principal), in a wrapped user principal ({@code getUserPrincipal()}), and
 * in the JAAS {@link Subject} behind it (Jetty's {@code JAASUserPrincipal.getSubject()}, a
 * {@code getLoginContext()}). Only a principal for the same user name counts. Stateless and thread-safe.
 */
final class LoginPrincipals {

    private LoginPrincipals() {
    }

    /** The newest {@link TotpVerifiedPrincipal} for {@code user}, or {@code null}. */
    static TotpVerifiedPrincipal verified(HttpServletRequest request, String user) {
        TotpVerifiedPrincipal newest = null;
        for (Principal principal : candidates(request)) {
            if (principal instanceof TotpVerifiedPrincipal && principal.getName().equals(user)) {
                TotpVerifiedPrincipal verified = (TotpVerifiedPrincipal) principal;
                if (newest == null || verified.verifiedAt().isAfter(newest.verifiedAt())) {
                    newest = verified;
                }
            }
        }
        return newest;
    }

    /** Whether the login marked {@code user} as someone who must enroll before anything else. */
    static boolean enrollmentRequired(HttpServletRequest request, String user) {
        for (Principal principal : candidates(request)) {
            if (principal instanceof TotpEnrollmentRequiredPrincipal && principal.getName().equals(user)) {
                return true;
            }
        }
        return false;
    }

    private static Iterable<Principal> candidates(HttpServletRequest request) {
        List<Principal> found = new ArrayList<>();
        Principal principal = request.getUserPrincipal();
        if (principal == null) {
            return found;
        }
        found.add(principal);
        Object inner = call(principal, "getUserPrincipal");
        if (inner instanceof Principal && inner != principal) {
            found.add((Principal) inner);
        }
        for (Principal outer : new ArrayList<>(found)) {
            Subject subject = subjectOf(outer);
            if (subject != null) {
                found.addAll(subject.getPrincipals());
            }
        }
        return found;
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
            // Not a JAAS-backed principal, or not accessible: there is simply nothing more to look at.
            return null;
        }
    }
}
