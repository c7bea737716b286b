package dev.totpguard.filter;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The filter's own addresses under {@code totpguard.filter.pages} (default {@code /totpguard}): each with its path,
 * the methods it answers, the page it shows (an action: the page it shows again when the code is wrong) and its
 * handler in {@link PageRoutes}. Pages answer GET and HEAD, actions POST; anything else is a 405.
 */
enum Route {
    /** The code form. */
    TOKEN("/token", false, PageKind.TOKEN, PageRoutes::token),
    /** Checks the code ({@code TwoFactorService.verify}). */
    VERIFY("/verify", true, PageKind.TOKEN, PageRoutes::verify),
    /** The recovery-code form. */
    RECOVERY("/recovery", false, PageKind.RECOVERY, PageRoutes::recovery),
    /** Checks the recovery code ({@code useRecoveryCode}). */
    RECOVER("/recover", true, PageKind.RECOVERY, PageRoutes::recover),
    /** QR code, key, first code. */
    ENROLL("/enroll", false, PageKind.ENROLL, PageRoutes::enroll),
    /** Activates the enrollment and shows the recovery codes once. */
    CONFIRM("/confirm", true, PageKind.ENROLL, PageRoutes::confirm),
    /** The user's own settings. */
    MANAGE("/manage", false, PageKind.MANAGE, PageRoutes::manage),
    /** A current code, then a new QR code. */
    REENROLL("/reenroll", true, PageKind.MANAGE, PageRoutes::change),
    /** A current code, then new recovery codes. */
    REGENERATE("/regenerate", true, PageKind.MANAGE, PageRoutes::change),
    /** A current code, then the second factor off (policy OPTIONAL only). */
    DISABLE("/disable", true, PageKind.MANAGE, PageRoutes::change),
    /** A current code and a label, then the QR code of a further authenticator. */
    ADD_AUTHENTICATOR("/addauthenticator", true, PageKind.MANAGE, PageRoutes::addAuthenticator),
    /** The further authenticator's first code: it signs in from then on. */
    CONFIRM_AUTHENTICATOR("/confirmauthenticator", true, PageKind.ENROLL, PageRoutes::confirmAuthenticator),
    /** A current code, then one authenticator removed (the last one only where the policy is OPTIONAL). */
    REMOVE_AUTHENTICATOR("/removeauthenticator", true, PageKind.MANAGE, PageRoutes::removeAuthenticator),
    /** Forgets one trusted browser ("remember this browser"). */
    FORGET_BROWSER("/forget", true, PageKind.MANAGE, PageRoutes::forgetBrowsers),
    /** Forgets every trusted browser of the user. */
    FORGET_BROWSERS("/forgetall", true, PageKind.MANAGE, PageRoutes::forgetBrowsers),
    /** Ends the session. */
    LOGOUT("/logout", true, null, PageRoutes::logout);

    /** What answers a route once its method, and for an action its size and CSRF token, have been checked. */
    @FunctionalInterface
    interface Handler {
        void handle(PageRoutes routes, HttpServletRequest request, HttpServletResponse response, Route route)
                throws IOException, ServletException;
    }

    private static final Map<String, Route> BY_PATH = byPath();

    private final String path;
    private final boolean action;
    private final PageKind page;
    private final Handler handler;

    Route(String path, boolean action, PageKind page, Handler handler) {
        this.path = path;
        this.action = action;
        this.page = page;
        this.handler = handler;
    }

    /** The route at {@code path} (below the pages path, e.g. {@code /token}), or {@code null}. */
    static Route of(String path) {
        return BY_PATH.get(path);
    }

    /** Below the pages path, with its leading slash. */
    String path() {
        return path;
    }

    /** A state-changing action: POST only, with the session's CSRF token and a small body. */
    boolean isAction() {
        return action;
    }

    /** Whether {@code method} is one this route answers. */
    boolean allows(String method) {
        return action ? method.equals("POST") : method.equals("GET") || method.equals("HEAD");
    }

    /** The {@code Allow} header of a 405. */
    String allowHeader() {
        return action ? "POST" : "GET, HEAD";
    }

    /** The page it shows, or {@code null} (signing out shows none). */
    PageKind page() {
        return page;
    }

    Handler handler() {
        return handler;
    }

    private static Map<String, Route> byPath() {
        Map<String, Route> byPath = new HashMap<>();
        for (Route route : values()) {
            byPath.put(route.path, route);
        }
        return Map.copyOf(byPath);
    }
}
