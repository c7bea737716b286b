package dev.totpguard.example.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * What happens to the session when the admin pages themselves check a second factor (the first code of an
 * enrollment): the session id is renewed, as after every authentication step (OWASP session management,
 * security requirement 18), and TOTP Guard's filter is told that this session has passed the second factor, so it
 * does not ask for another code right away.
 */
final class SessionSteps {

    void secondFactorPassed(HttpServletRequest request, String user) {
        request.changeSessionId();
        SecondFactorFilter.markVerified(request, user);
    }
}
