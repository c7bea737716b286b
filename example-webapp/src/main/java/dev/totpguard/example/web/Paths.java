package dev.totpguard.example.web;

import java.util.List;

/**
 * The web application's paths, relative to the context path. One place, so links, servlet mappings and tests
 * agree.
 */
final class Paths {

    static final String LOGIN = "/login";
    static final String LOGOUT = "/logout";
    static final String ADMIN = "/admin/";
    static final String SETUP = "/admin/setup/";
    static final String STAFF = "/admin/setup/staff/";
    static final String ADMINISTRATORS = "/admin/setup/staff/administrators";
    static final String NEW_ADMINISTRATOR = "/admin/setup/staff/administrators/new";
    static final String EDIT_ADMINISTRATOR = "/admin/setup/staff/administrators/edit";
    static final String TWO_FACTOR = "/admin/setup/staff/administrators/two-factor/";
    static final String AUDIT_LOG = "/admin/setup/staff/audit-log";
    static final String SECURITY_SETTINGS = "/admin/setup/security";
    static final String HELP = "/admin/help";
    static final String STYLESHEET = "/static/admin.css";

    /**
     * The privileged actions, page and form alike: adding an administrator (with a password of the actor's choice),
     * removing or unlocking another administrator's second factor, and the "Require two-factor authentication"
     * setting. Each needs the acting administrator's own second factor, entered within TOTP Guard's step-up age
     * ({@code totpguard.filter.step-up.paths}); an administrator without one is told to set it up first.
     */
    static final List<String> PRIVILEGED = List.of(NEW_ADMINISTRATOR, TWO_FACTOR + "reset", TWO_FACTOR + "unlock", SECURITY_SETTINGS);

    /** The anchor of the "Two-Factor Authentication" section on the Edit page. */
    static final String TWO_FACTOR_ANCHOR = "two-factor";

    private Paths() {
    }

    /** Whether the context-relative {@code path} (servlet path and path info) is one of {@link #PRIVILEGED}. */
    static boolean isPrivileged(String path) {
        return PRIVILEGED.contains(path);
    }

    static String edit(String contextPath, String username) {
        return contextPath + EDIT_ADMINISTRATOR + "?user=" + Html.query(username);
    }

    static String editTwoFactor(String contextPath, String username) {
        return edit(contextPath, username) + "#" + TWO_FACTOR_ANCHOR;
    }
}
