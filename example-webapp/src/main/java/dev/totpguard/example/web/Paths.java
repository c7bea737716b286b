package dev.totpguard.example.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    /** Changing an administrator's e-mail address (one's own or another's): the address the security mails go to. */
    static final String CHANGE_EMAIL = "/admin/setup/staff/administrators/email";
    static final String AUDIT_LOG = "/admin/setup/staff/audit-log";
    static final String SECURITY_SETTINGS = "/admin/setup/security";
    static final String HELP = "/admin/help";
    static final String STYLESHEET = "/static/admin.css";
    /** The example's logo, in its header and in the header of TOTP Guard's own pages. */
    static final String LOGO = "/static/logo.svg";
    /** TOTP Guard's own settings page (the filter's pages), where an administrator adds or removes an authenticator. */
    static final String TOTP_GUARD_SETTINGS = "/totpguard/manage";

    /**
     * The privileged actions, page and form alike: adding an administrator (with a password of the actor's choice),
     * removing or unlocking another administrator's second factor or removing one of their authenticators, changing an
     * e-mail address (where the mails about an account's security go), and the "Require two-factor authentication"
     * setting. Each needs the acting administrator's own second factor, entered within TOTP Guard's step-up age
     * ({@code totpguard.filter.step-up.paths}); an administrator without one is told to set it up first.
     */
    static final List<String> PRIVILEGED = List.of(NEW_ADMINISTRATOR, TWO_FACTOR + "reset", TWO_FACTOR + "unlock",
            TWO_FACTOR + "remove-authenticator", CHANGE_EMAIL, SECURITY_SETTINGS);

    /** The pages that {@link #links} names, by the name the templates use. */
    private static final Map<String, String> LINKED = Map.ofEntries(Map.entry("login", LOGIN), Map.entry("logout", LOGOUT),
            Map.entry("admin", ADMIN), Map.entry("setup", SETUP), Map.entry("staff", STAFF), Map.entry("administrators", ADMINISTRATORS),
            Map.entry("newAdministrator", NEW_ADMINISTRATOR), Map.entry("twoFactor", TWO_FACTOR), Map.entry("auditLog", AUDIT_LOG),
            Map.entry("securitySettings", SECURITY_SETTINGS), Map.entry("help", HELP), Map.entry("stylesheet", STYLESHEET),
            Map.entry("logo", LOGO), Map.entry("totpGuardSettings", TOTP_GUARD_SETTINGS));

    /** The anchor of the "Two-Factor Authentication" section on the Edit page. */
    static final String TWO_FACTOR_ANCHOR = "two-factor";

    private Paths() {
    }

    /** Whether the context-relative {@code path} (servlet path and path info) is one of {@link #PRIVILEGED}. */
    static boolean isPrivileged(String path) {
        return PRIVILEGED.contains(path);
    }

    static String edit(String contextPath, String username) {
        return contextPath + EDIT_ADMINISTRATOR + "?user=" + query(username);
    }

    static String editTwoFactor(String contextPath, String username) {
        return edit(contextPath, username) + "#" + TWO_FACTOR_ANCHOR;
    }

    /** The page that changes {@code username}'s e-mail address, its field filled with {@code email}. */
    static String changeEmail(String contextPath, String username, String email) {
        return contextPath + CHANGE_EMAIL + "?user=" + query(username) + "&email=" + query(email);
    }

    /** The confirmation page of "Disable" for another administrator's second factor. */
    static String resetTwoFactor(String contextPath, String username) {
        return contextPath + TWO_FACTOR + "reset?user=" + query(username);
    }

    /**
     * The links every page template may use, as {@code {{link.NAME}}}: the paths above with the context path in
     * front, so the templates name a page instead of spelling its path.
     */
    static Map<String, String> links(String contextPath) {
        Map<String, String> links = new HashMap<>();
        LINKED.forEach((name, path) -> links.put("link." + name, contextPath + path));
        return links;
    }

    /** Percent-encodes a query parameter value (user names are restricted, but never trust that here). */
    private static String query(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }
}
