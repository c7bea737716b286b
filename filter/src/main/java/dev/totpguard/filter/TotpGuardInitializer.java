package dev.totpguard.filter;

import dev.totpguard.internal.config.Settings;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The safety net of the drop-in install: a {@link ServletContainerInitializer} in the filter jar
 * ({@code META-INF/services/jakarta.servlet.ServletContainerInitializer}) that makes sure the filter is installed,
 * and installed in the right place, when the jar is in an application's {@code WEB-INF/lib}.
 *
 * <p>Why: a {@code web.xml} with {@code metadata-complete="true"} makes the container ignore the jar's web
 * fragment, and the application then ran with the password alone. Containers still run initializers in that case
 * (Servlet 6.0 section 8.2.4; tested on Jetty 12 with its annotations module and on Tomcat 11). An
 * {@code <absolute-ordering>} that leaves the jar out switches off the initializer too; nothing in the jar runs
 * then, which filter/README.md and SECURITY.md say plainly.
 *
 * <p>What it does, for an application that has the jar in its own {@code WEB-INF/lib}:
 * <ul>
 *   <li>Spring Boot's auto-configuration already registered its filter (a Boot WAR whose spring-web initializer ran
 *       first, as on Tomcat): nothing; that registration guards the application and a declared filter steps
 *       aside in {@link TotpFilter#init}.</li>
 *   <li>No {@link TotpFilter} registered (the fragment was ignored): registers one as {@value TotpFilter#NAME},
 *       for {@code /*} and all dispatcher types.</li>
 *   <li>Where the filter runs: by default before every filter of {@code web.xml} and of fragments (a front
 *       controller mapped to {@code /*} would otherwise answer {@code /admin/*} with the password alone), which is
 *       right for container logins (FORM, BASIC, JAAS, Jakarta Authentication), as they set the user before any
 *       filter runs. The fragment's own mapping puts it after them, so a first mapping is added to it. With
 *       {@code totpguard.filter.after} naming the filters that sign users in (Spring Security, Shiro), it runs
 *       after the filters of {@code web.xml} and fragments instead, and start-up is refused when a named filter
 *       is missing or another filter mapped onto a protected path would run before it.</li>
 *   <li>Filters registered after this initializer (by other initializers or listeners) have no position that can
 *       be known; {@link TotpFilter#init} refuses to start when one of them is mapped onto a protected path.</li>
 * </ul>
 * A refusal throws {@link ServletException} from {@link #onStartup}, so the container does not start the
 * application, and logs one line that says why.
 *
 * <p>An initializer found by the container outside the application's {@code WEB-INF/lib} (the jar in the
 * container's own {@code lib/}) does nothing: there the application installs the filter itself.
 *
 * <p>Stateless and thread-safe.
 */
public final class TotpGuardInitializer implements ServletContainerInitializer {

    /** Context attribute: the names of the filters registered when this initializer ran ({@code Set<String>}). */
    static final String FILTERS_SEEN = "dev.totpguard.filter.initializer.filters-seen";
    /** Init-param the initializer sets where the filter ended up mapped twice (fragment mapping + first mapping). */
    static final String MAPPED_TWICE = "dev.totpguard.filter.mapped-twice";

    /** For the container's {@link java.util.ServiceLoader}. */
    public TotpGuardInitializer() {
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) throws ServletException {
        if (TotpGuardInitializer.class.getClassLoader() != context.getClassLoader()) {
            return;
        }
        try {
            install(context);
        } catch (ServletException e) {
            FilterCore.LOG.log(Level.ERROR, "TOTP Guard refuses to start " + describe(context) + ": " + e.getMessage());
            throw e;
        }
    }

    private static void install(ServletContext context) throws ServletException {
        if (context.getAttribute(TotpFilter.INSTALLED_ATTRIBUTE) instanceof TotpFilter) {
            // A Spring Boot WAR whose initializer ran first (Tomcat runs spring-web's before this jar's): Boot's
            // auto-configuration registered its filter, right after Spring Security, and the fragment's filter will
            // step aside in init. Counting Boot's registration as a second declaration refused every such WAR.
            FilterCore.LOG.log(Level.INFO, "TOTP Guard filter of {0} is installed by Spring Boot; its initializer"
                    + " leaves the filter where Boot put it", describe(context));
            context.setAttribute(FILTERS_SEEN, Set.copyOf(context.getFilterRegistrations().keySet()));
            return;
        }
        FilterSettings settings;
        try {
            settings = FilterSettings.from(Settings.of(contextSettings(context), "context parameter"));
        } catch (IllegalArgumentException e) {
            throw new ServletException(e.getMessage(), e);
        }
        List<String> installed = new ArrayList<>();
        for (Map.Entry<String, ? extends FilterRegistration> entry : context.getFilterRegistrations().entrySet()) {
            if (TotpFilter.class.getName().equals(entry.getValue().getClassName())) {
                installed.add(entry.getKey());
            }
        }
        boolean first = settings.after().isEmpty();
        if (installed.size() > 1) {
            // Two instances would each keep their own state; refuse rather than guess which one guards.
            throw new ServletException("the filter is declared " + installed.size() + " times " + installed
                    + "; declare it once (the jar's web fragment already declares " + TotpFilter.NAME + ")");
        }
        if (installed.isEmpty()) {
            // The web fragment was not applied: metadata-complete="true", or a container that skips fragments.
            FilterRegistration.Dynamic registration = context.addFilter(TotpFilter.NAME, TotpFilter.class);
            registration.setAsyncSupported(true);
            registration.addMappingForUrlPatterns(TotpFilter.dispatcherTypes(), !first, "/*");
            FilterCore.LOG.log(Level.INFO, "TOTP Guard filter registered by its initializer in {0} (the web fragment"
                    + " was not applied), {1}", describe(context), first ? "first in the chain"
                    : "after " + settings.after());
        } else if (first) {
            // The fragment (or web.xml) maps the filter after the filters of web.xml; a front controller there would
            // answer protected paths before the second factor. A mapping added before them puts it first; the
            // filter skips its second, later visit of the same dispatch.
            FilterRegistration registration = context.getFilterRegistration(installed.get(0));
            registration.addMappingForUrlPatterns(TotpFilter.dispatcherTypes(), false, "/*");
            registration.setInitParameter(MAPPED_TWICE, "true");
        }
        context.setAttribute(FILTERS_SEEN, Set.copyOf(context.getFilterRegistrations().keySet()));
    }

    /**
     * Checks, once every initializer and listener has run (from {@link TotpFilter#init}, when the container has
     * wired all mappings), that no filter can answer a protected path before the second factor:
     * <ul>
     *   <li>with {@code totpguard.filter.after}: each named filter is declared (web.xml or a fragment) and every
     *       other filter mapped onto a protected path would run before TOTP Guard, so it is refused;</li>
     *   <li>without it, where this initializer did not run (a container that runs no initializers, such as Jetty
     *       without its annotations module): the filter sits where web.xml or the fragment put it, after the
     *       filters of web.xml, so every other filter mapped onto a protected path is refused;</li>
     *   <li>without it, where this initializer ran and put the filter first: filters registered by code after it
     *       have no position the Servlet API can tell, so those mapped onto a protected path are refused.</li>
     * </ul>
     * The containers' WebSocket upgrade filters are let through (see {@link #UPGRADE_ONLY_FILTERS}).
     *
     * @throws ServletException naming the filters and what to do
     */
    static void checkPosition(ServletContext context, FilterSettings settings, String self) throws ServletException {
        Map<String, ? extends FilterRegistration> filters = context.getFilterRegistrations();
        Object seenAttribute = context.getAttribute(FILTERS_SEEN);
        Set<?> seen = seenAttribute instanceof Set ? (Set<?>) seenAttribute : null;
        List<String> after = settings.after();
        for (String name : after) {
            if (!filters.containsKey(name) || (seen != null && !seen.contains(name))) {
                throw new ServletException("TOTP Guard filter: " + FilterSettings.AFTER + " names the filter '" + name
                        + "', which is not declared in web.xml or a web fragment (declared: "
                        + new TreeSet<>(seen != null ? seen : filters.keySet()) + "); a login filter registered"
                        + " later by code cannot be placed before TOTP Guard");
            }
        }
        Set<String> ahead = new TreeSet<>();
        for (Map.Entry<String, ? extends FilterRegistration> entry : filters.entrySet()) {
            String name = entry.getKey();
            FilterRegistration registration = entry.getValue();
            boolean mayRunAhead = !after.isEmpty() || seen == null || !seen.contains(name);
            if (mayRunAhead && !name.equals(self) && !after.contains(name)
                    && !TotpFilter.class.getName().equals(registration.getClassName())
                    && !UPGRADE_ONLY_FILTERS.contains(registration.getClassName())
                    && mapsProtectedPaths(context, registration, settings.protectedPaths())) {
                ahead.add(name);
            }
        }
        if (ahead.isEmpty()) {
            return;
        }
        String why;
        if (!after.isEmpty()) {
            why = "; with " + FilterSettings.AFTER + " TOTP Guard runs after the filters of web.xml and fragments, so"
                    + " these would answer before the second factor. Map them off the protected paths, or name them"
                    + " in " + FilterSettings.AFTER + " if they only sign users in or never answer a request";
        } else if (seen == null) {
            why = "; TOTP Guard's initializer did not run (on Jetty enable the ee10-annotations module), so the"
                    + " filter stays after the filters of web.xml and these would answer before the second factor."
                    + " Let the initializer run, or name them in " + FilterSettings.AFTER + " if they only sign users"
                    + " in or never answer a request";
        } else {
            why = " and were registered by code after TOTP Guard was installed; the Servlet API cannot tell whether"
                    + " they run before the second factor. Declare them in web.xml, or install TotpFilter in code in"
                    + " the right place (filter/README.md, Installation)";
        }
        throw new ServletException("TOTP Guard filter: the filters " + ahead + " are mapped onto protected paths "
                + settings.protectedPaths().patterns() + why);
    }

    /**
     * Whether a filter may see a request for a protected path; errs towards yes (an unknown servlet, an extension
     * pattern under a protected directory).
     */
    static boolean mapsProtectedPaths(ServletContext context, FilterRegistration registration, PathPatterns protectedPaths) {
        for (String pattern : registration.getUrlPatternMappings()) {
            if (overlaps(pattern, protectedPaths)) {
                return true;
            }
        }
        for (String servlet : registration.getServletNameMappings()) {
            ServletRegistration servletRegistration = context.getServletRegistration(servlet);
            Collection<String> mappings = servletRegistration == null ? List.of("/*") : servletRegistration.getMappings();
            for (String pattern : mappings) {
                if (overlaps(pattern, protectedPaths)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether a servlet URL pattern and a protected pattern can match the same path. */
    static boolean overlaps(String pattern, PathPatterns protectedPaths) {
        if (protectedPaths.isEmpty()) {
            return false;
        }
        String candidate = pattern.toLowerCase(Locale.ROOT);
        if (candidate.isEmpty() || candidate.equals("/") || candidate.equals("/*")) {
            return true;
        }
        if (candidate.startsWith("*.")) {
            return protectedPaths.hasPrefix() || protectedPaths.patterns().stream()
                    .anyMatch(p -> p.toLowerCase(Locale.ROOT).endsWith(candidate.substring(1)));
        }
        if (candidate.endsWith("/*")) {
            String directory = candidate.substring(0, candidate.length() - 1);
            // The filter's directory holds a protected path, or lies inside a protected directory.
            return protectedPaths.matches(directory.substring(0, directory.length() - 1), null)
                    || protectedPaths.matches(directory, null)
                    || protectedPaths.patterns().stream().anyMatch(p -> p.toLowerCase(Locale.ROOT).startsWith(directory));
        }
        return protectedPaths.matches(candidate, null) || protectedPaths.matches(pattern, null);
    }

    /** The {@code totpguard.*} context parameters. */
    static Map<String, String> contextSettings(ServletContext context) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (Enumeration<String> names = context.getInitParameterNames(); names.hasMoreElements();) {
            String name = names.nextElement();
            if (name.startsWith("totpguard.")) {
                settings.put(name, context.getInitParameter(name));
            }
        }
        return settings;
    }

    /**
     * The containers' own WebSocket filters, registered by their initializers: they act only on upgrade requests
     * to endpoints the application registered, and are infrastructure rather than something that serves pages.
     */
    private static final Set<String> UPGRADE_ONLY_FILTERS = Set.of("org.apache.tomcat.websocket.server.WsFilter",
            "org.eclipse.jetty.ee10.websocket.servlet.WebSocketUpgradeFilter");

    private static String describe(ServletContext context) {
        String path = context.getContextPath();
        return "the application at '" + (path.isEmpty() ? "/" : path) + "'";
    }
}
