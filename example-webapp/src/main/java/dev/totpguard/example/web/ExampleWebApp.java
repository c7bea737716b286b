package dev.totpguard.example.web;

import dev.totpguard.internal.config.SettingsFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.TwoFactorService;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.config.TwoFactorServiceFactory;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.example.data.AdminAccounts;
import dev.totpguard.example.data.AuditListener;
import dev.totpguard.example.data.AuditLog;
import dev.totpguard.example.data.DataAccessException;
import dev.totpguard.example.data.DataSources;
import dev.totpguard.example.data.SiteSettings;
import dev.totpguard.example.mail.AddressChangeMails;
import dev.totpguard.example.mail.PageLanguage;
import dev.totpguard.filter.CsrfProtection;
import dev.totpguard.filter.TotpFilter;
import dev.totpguard.jaas.PasswordHash;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.store.StoreException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Builds the admin web application when the context starts: the services (from the launcher's context attributes,
 * or from the {@code totpguard.*} context parameters when the WAR is deployed on its own), then the filters and
 * servlets with their dependencies passed in.
 *
 * <p>Filter order: security headers, TOTP Guard's filter (the second factor), the enforcement setting on
 * {@code /admin/*}, then the CSRF check on this application's forms. TOTP Guard's filter is left out only when the
 * launcher sets {@link #WITHOUT_TOTP_FILTER_ATTRIBUTE} (the HTTP benchmark's "filter off" run).
 */
public final class ExampleWebApp implements ServletContextListener {

    /** Context attribute: the launcher's {@link DataSource}. */
    public static final String DATA_SOURCE_ATTRIBUTE = "dev.totpguard.example.DataSource";
    /**
     * Context attribute: the launcher's {@link EnforcementGrace} (its {@code --grace-days}, {@code --grace-sign-ins}).
     * Without it (the WAR deployed on its own) there is no grace.
     */
    public static final String ENFORCEMENT_GRACE_ATTRIBUTE = "dev.totpguard.example.EnforcementGrace";
    /** Context attribute: the launcher's {@link TwoFactorService}. */
    public static final String TWO_FACTOR_ATTRIBUTE = "dev.totpguard.example.TwoFactorService";

    /**
     * Context attribute: {@link Boolean#TRUE} to leave TOTP Guard's filter out (the launcher's
     * {@code --benchmark-without-totp-filter}, for the HTTP benchmark only). Only an attribute set in code, never a
     * context parameter, so no {@code web.xml} or container setting can switch the second factor off.
     */
    public static final String WITHOUT_TOTP_FILTER_ATTRIBUTE = "dev.totpguard.example.benchmark.WithoutTotpFilter";

    /**
     * Context attribute: the launcher's {@link PageLanguage}, which its notification mails read; when set, every
     * request tells it the page's language ({@link PageLanguageFilter}).
     */
    public static final String PAGE_LANGUAGE_ATTRIBUTE = "dev.totpguard.example.PageLanguage";

    /**
     * Context attribute: the launcher's {@link AddressChangeMails}, which tells an old address that an administrator's
     * e-mail address changed. Without it (no mail server, or the WAR deployed on its own) no such mail goes out.
     */
    public static final String ADDRESS_CHANGE_MAILS_ATTRIBUTE = "dev.totpguard.example.AddressChangeMails";

    /** What the settings are called in messages. */
    private static final String CONTEXT_PARAMETER = "context parameter";

    private static final EnumSet<DispatcherType> ALL_DISPATCHES = EnumSet.allOf(DispatcherType.class);

    private HikariDataSource ownDataSource;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Map<String, String> contextSettings = contextSettings(context);
        Settings settings = Settings.of(contextSettings, CONTEXT_PARAMETER);
        Clock clock = Clock.systemUTC();
        DataSource dataSource = (DataSource) context.getAttribute(DATA_SOURCE_ATTRIBUTE);
        TwoFactorService twoFactor = (TwoFactorService) context.getAttribute(TWO_FACTOR_ATTRIBUTE);
        EnforcementGrace grace = context.getAttribute(ENFORCEMENT_GRACE_ATTRIBUTE) instanceof EnforcementGrace given
                ? given : EnforcementGrace.none();
        AddressChangeMails addressChangeMails = context.getAttribute(ADDRESS_CHANGE_MAILS_ATTRIBUTE) instanceof AddressChangeMails given
                ? given : AddressChangeMails.none();
        boolean withoutFilter = Boolean.TRUE.equals(context.getAttribute(WITHOUT_TOTP_FILTER_ATTRIBUTE));
        try {
            if (dataSource == null) {
                ownDataSource = DataSources.open(settings.secret(TotpGuardSettings.JDBC_URL).orElse(TotpGuardSettings.DEFAULT_JDBC_URL),
                        settings.string(TotpGuardSettings.JDBC_USER), settings.secret(TotpGuardSettings.JDBC_PASSWORD), 10);
                dataSource = ownDataSource;
                AdminAccounts.createSchema(dataSource);
            }
            AuditLog audit = new AuditLog(dataSource);
            if (twoFactor == null) {
                twoFactor = TwoFactorService.builder()
                        .store(JdbcCredentialStore.builder(dataSource).createSchemaIfMissing(true).build())
                        .keyRing(KeyRing.fromKeyFile(settings.path(TotpGuardSettings.KEY_FILE).orElseThrow(
                                () -> settings.invalid(TotpGuardSettings.KEY_FILE, "the path of the AES key file"))))
                        .policy(SettingsFactory.policy(settings))
                        .clock(clock)
                        .listener(new AuditListener(audit))
                        .build();
            }
            CsrfProtection csrf = new CsrfProtection(CsrfFilter.SESSION_ATTRIBUTE, new SecureRandom());
            Pages pages = new Pages(csrf);
            SiteSettings siteSettings = new SiteSettings(dataSource);
            TotpFilter secondFactor = SecondFactorFilter.build(twoFactor, siteSettings, contextSettings, CONTEXT_PARAMETER);
            App app = new App(twoFactor, new AdminAccounts(dataSource, PasswordHash.builder().build(), clock), audit, siteSettings, grace, pages,
                    withoutFilter ? SessionSteps.withoutFilter() : new SessionSteps(secondFactor), addressChangeMails, clock);
            register(context, app, csrf, secondFactor, withoutFilter);
        } catch (DataAccessException | StoreException e) {
            closeOwn();
            throw new IllegalStateException("TOTP Guard example cannot start: " + e.getMessage() + ": " + DataSources.rootMessage(e), e);
        } catch (RuntimeException e) {
            closeOwn();
            throw e;
        }
    }

    private void register(ServletContext context, App app, CsrfProtection csrfProtection, TotpFilter secondFactor,
                          boolean withoutFilter) {
        Pages pages = app.pages();
        if (context.getAttribute(PAGE_LANGUAGE_ATTRIBUTE) instanceof PageLanguage language) {
            addFilter(context, "page-language", new PageLanguageFilter(language), "/*");
        }
        addFilter(context, "security-headers", new SecurityHeadersFilter(), "/*");
        if (!withoutFilter) {
            TotpFilter.register(context, secondFactor);
        }
        addFilter(context, "enforcement", new EnforcementFilter(app.twoFactor(), app.settings(), app.grace(), pages), "/admin/*");

        List<String> formServlets = new ArrayList<>();
        addServlet(context, "root", new RootServlet(), "", "/admin");
        addServlet(context, "login", new LoginServlet(pages), Paths.LOGIN);
        formServlets.add(addServlet(context, "logout", new LogoutServlet(), Paths.LOGOUT));
        addServlet(context, "dashboard", new DashboardServlet(app), Paths.ADMIN);
        addServlet(context, "menu", new MenuServlet(pages), Paths.SETUP, Paths.STAFF, "/admin/setup", "/admin/setup/staff");
        addServlet(context, "administrators", new AdministratorsServlet(app), Paths.ADMINISTRATORS);
        formServlets.add(addServlet(context, "new-administrator", new NewAdministratorServlet(app), Paths.NEW_ADMINISTRATOR));
        formServlets.add(addServlet(context, "edit-administrator", new EditAdministratorServlet(app), Paths.EDIT_ADMINISTRATOR));
        formServlets.add(addServlet(context, "change-email", new ChangeEmailServlet(app), Paths.CHANGE_EMAIL));
        formServlets.add(addServlet(context, "two-factor", new TwoFactorServlet(app), Paths.TWO_FACTOR + "*"));
        addServlet(context, "audit-log", new AuditLogServlet(app), Paths.AUDIT_LOG);
        formServlets.add(addServlet(context, "security-settings", new SecuritySettingsServlet(app), Paths.SECURITY_SETTINGS));
        addServlet(context, "help", new HelpServlet(pages), Paths.HELP);

        FilterRegistration.Dynamic csrf = context.addFilter("csrf", new CsrfFilter(csrfProtection, pages));
        csrf.addMappingForServletNames(ALL_DISPATCHES, true, formServlets.toArray(String[]::new));
    }

    private static void addFilter(ServletContext context, String name, Filter filter, String... patterns) {
        FilterRegistration.Dynamic registration = context.addFilter(name, filter);
        registration.addMappingForUrlPatterns(ALL_DISPATCHES, true, patterns);
    }

    private static String addServlet(ServletContext context, String name, Servlet servlet, String... patterns) {
        ServletRegistration.Dynamic registration = context.addServlet(name, servlet);
        registration.addMapping(patterns);
        return name;
    }

    /** Every {@code totpguard.*} context parameter, in the order the container lists them. */
    private static Map<String, String> contextSettings(ServletContext context) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String name : Collections.list(context.getInitParameterNames())) {
            if (name.startsWith("totpguard.")) {
                settings.put(name, context.getInitParameter(name));
            }
        }
        return settings;
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        closeOwn();
    }

    private void closeOwn() {
        if (ownDataSource != null) {
            ownDataSource.close();
            ownDataSource = null;
        }
    }
}
