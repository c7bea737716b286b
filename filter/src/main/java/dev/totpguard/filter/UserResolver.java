package dev.totpguard.filter;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Tells the filter who signed in with a password. The default reads {@code request.getRemoteUser()},
 * which container FORM or BASIC login, {@code request.login()} and the TOTP Guard JAAS module all set.
 * An application with its own login (a session attribute, a framework's security context) supplies its
 * own resolver through {@code TotpFilter.builder().userResolver(...)} or the setting
 * {@code totpguard.filter.user-resolver} (a class with a public no-argument constructor).
 *
 * <p>Implementations must be thread-safe and cheap: the filter calls this on every protected request.
 * They must return {@code null} for a request without a password login, never a name taken from a
 * request parameter or header.
 */
@FunctionalInterface
public interface UserResolver {

    /** The name of the user who passed the first factor for this request, or {@code null}. */
    String user(HttpServletRequest request);

    /** {@code request.getRemoteUser()}. */
    static UserResolver remoteUser() {
        return HttpServletRequest::getRemoteUser;
    }
}
