package dev.totpguard.example.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * What happens to the session when the admin pages themselves check a second factor (the first code of an
 * enrollment): the session id is renewed, as after every authentication step (OWASP session management,
 * security requirement 18). The session is not marked as verified for TOTP Guard's filter: the filter offers no
 * public way to do that, so on the next admin page it asks for a token code like after any password-only login.
 */
final class SessionSteps {

    void secondFactorPassed(HttpServletRequest request, String user) {
        request.changeSessionId();
    }
}
