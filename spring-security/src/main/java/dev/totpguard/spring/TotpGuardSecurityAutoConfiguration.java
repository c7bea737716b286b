package dev.totpguard.spring;

import dev.totpguard.TwoFactorService;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.internal.config.ApplicationJdbcDrivers;
import dev.totpguard.internal.config.EnvironmentSettings;
import dev.totpguard.internal.config.InvalidSettingException;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.internal.config.SettingsFactory;
import dev.totpguard.internal.web.Branding;
import java.util.Arrays;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Spring Boot 4 auto-configuration of the TOTP factor: a {@link TwoFactorService} built from the {@code totpguard.*}
 * properties (the same keys and the same reader as the servlet filter's auto-configuration: an unknown
 * {@code totpguard.*} key, a malformed value or a missing key stops start-up naming the key, never a value), unless
 * the application declares its own, and the branding of the factor's pages ({@code totpguard.spring.brand.*}, checked
 * the same way). {@link TotpConfigurer} takes both from the context. Registered in
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}; IDEs complete the keys
 * from {@code META-INF/spring-configuration-metadata.json}.
 *
 * <p>With this module present, the filter jar's auto-configuration installs no servlet filter: the application's
 * Spring Security filter chain asks for the factor instead.
 */
@AutoConfiguration(beforeName = "dev.totpguard.filter.TotpGuardAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class TotpGuardSecurityAutoConfiguration {

    /** The name of the service bean this configuration declares when the application has none. */
    private static final String OWN_SERVICE = "totpGuardTwoFactorService";
    /** The settings of the module's pages, which apply whoever declares the service. */
    private static final String PAGE_SETTINGS = "totpguard.spring.";

    /**
     * The JDBC drivers of the application's class loader, registered with {@code DriverManager} while the
     * application runs (a WAR in Tomcat, whose DriverManager knows only Tomcat's loader; see
     * {@link ApplicationJdbcDrivers}).
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(ApplicationJdbcDrivers.class)
    ApplicationJdbcDrivers totpGuardSecurityJdbcDrivers(ApplicationContext context) {
        return ApplicationJdbcDrivers.register(context.getClassLoader());
    }

    /**
     * The {@code totpguard.*} properties, read and checked whether or not the application declares its own service: a
     * misspelled key ({@code totpguard.enforcment}) stops the start either way instead of silently doing nothing
     * (an application with its own {@code TwoFactorService} bean used to start with it, found by installing the
     * example's WAR with a typo in Tomcat).
     *
     * @throws IllegalArgumentException naming the key of an unknown setting: Boot then does not start
     */
    @Bean
    TotpGuardProperties totpGuardProperties(ConfigurableEnvironment environment, ListableBeanFactory beans) {
        Settings settings = EnvironmentSettings.read(environment);
        refuseSettingsOfAnApplicationService(settings, beans);
        return new TotpGuardProperties(settings, Branding.read(settings, Branding.none(),
                TotpGuardSettings.SPRING_BRAND_NAME, TotpGuardSettings.SPRING_BRAND_LOGO,
                TotpGuardSettings.SPRING_BRAND_STYLESHEET, TotpGuardSettings.SPRING_BRAND_HOME));
    }

    /**
     * Refuses {@code totpguard.*} settings of the service ({@code totpguard.enforcement}, the store, the key, ...) when
     * the application declares its own {@link TwoFactorService}, which they do not configure: an operator's
     * {@code TOTPGUARD_ENFORCEMENT=REQUIRED} would otherwise leave the application's policy in force without a word
     * (found by installing the example's WAR in Tomcat 11). The module's own page settings
     * ({@code totpguard.spring.*}) apply either way.
     */
    private static void refuseSettingsOfAnApplicationService(Settings settings, ListableBeanFactory beans) {
        boolean applicationService = Arrays.stream(beans.getBeanNamesForType(TwoFactorService.class, true, false))
                .anyMatch(name -> !name.equals(OWN_SERVICE));
        if (!applicationService) {
            return;
        }
        for (String key : settings.keys()) {
            if (!key.startsWith(PAGE_SETTINGS)) {
                throw new InvalidSettingException("The setting " + key + " is given, but the application declares its"
                        + " own TwoFactorService bean, which totpguard.* settings do not configure. Set it in the"
                        + " application's service instead, or remove the setting (only " + PAGE_SETTINGS + "* keys apply"
                        + " next to an application's own service)");
            }
        }
    }

    /**
     * The service of the {@code totpguard.*} settings unless the application has its own; the drivers are a
     * parameter so that they are registered before the store opens and deregistered after it closed.
     *
     * @throws IllegalArgumentException naming the key of a bad or missing setting: Boot then does not start
     */
    @Bean(OWN_SERVICE)
    @ConditionalOnMissingBean
    public TwoFactorService totpGuardTwoFactorService(TotpGuardProperties properties, ApplicationJdbcDrivers drivers) {
        return SettingsFactory.service(properties.settings());
    }

    /**
     * The checked {@code totpguard.*} settings of the environment (a bean of its own, so that it always exists), and
     * the branding of the factor's pages they set ({@code totpguard.spring.brand.*}), which {@link TotpConfigurer}
     * takes from the context.
     */
    record TotpGuardProperties(Settings settings, Branding branding) {
    }
}
