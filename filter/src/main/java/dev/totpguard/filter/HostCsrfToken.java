package dev.totpguard.filter;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;

/**
 * The CSRF token of the host framework for this request, which the filter's forms carry next to their own, so
 * that the host's CSRF filter, which sees every POST before TOTP Guard does, lets the filter's forms through.
 * Today: Spring Security's {@code CsrfToken}, which its {@code CsrfFilter} puts in the request attribute
 * {@value #SPRING_SECURITY_ATTRIBUTE} (read by reflection: the filter does not depend on Spring).
 *
 * @param parameterName the form field the host reads, e.g. {@code _csrf}
 * @param token the value to send (Spring Security 6+ masks it anew for each request)
 */
record HostCsrfToken(String parameterName, String token) {

    /** Where Spring Security's {@code CsrfFilter} leaves the request's token ({@code CsrfToken.class.getName()}). */
    static final String SPRING_SECURITY_ATTRIBUTE = "org.springframework.security.web.csrf.CsrfToken";

    /**
     * The host's token of this request, or {@code null} if there is none or it cannot be read; then the host's
     * CSRF filter, if any, refuses the filter's POSTs: closed, not open.
     */
    static HostCsrfToken of(HttpServletRequest request) {
        Object token = request.getAttribute(SPRING_SECURITY_ATTRIBUTE);
        if (token == null) {
            return null;
        }
        try {
            Class<?> type = Class.forName(SPRING_SECURITY_ATTRIBUTE, false, token.getClass().getClassLoader());
            if (!type.isInstance(token)) {
                return null;
            }
            Method parameterName = type.getMethod("getParameterName");
            Method value = type.getMethod("getToken");
            Object name = parameterName.invoke(token);
            Object given = value.invoke(token);
            // Never under the filter's own field: one name cannot carry two tokens.
            if (!(name instanceof String) || !(given instanceof String) || ((String) name).isEmpty()
                    || name.equals(CsrfProtection.PARAMETER)) {
                return null;
            }
            return new HostCsrfToken((String) name, (String) given);
        } catch (ReflectiveOperationException | LinkageError e) {
            FilterCore.LOG.log(System.Logger.Level.WARNING, "Cannot read Spring Security's CSRF token of the request;"
                    + " the filter's forms go without it and Spring's CsrfFilter will refuse them: " + e);
            return null;
        }
    }

    /** Hides the token. */
    @Override
    public String toString() {
        return "HostCsrfToken[" + parameterName + "]";
    }
}
