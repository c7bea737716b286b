package dev.totpguard.filter;

import dev.totpguard.internal.config.ApplicationJdbcDrivers;
import dev.totpguard.internal.config.SettingsFactory;
import dev.totpguard.TwoFactorService;
import dev.totpguard.internal.config.EnvironmentSettings;
import dev.totpguard.internal.config.Settings;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import java.lang.System.Logger.Level;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Installs {@link TotpFilter} in a Spring Boot servlet application (Boot 4), whose embedded server reads neither
 * the jar's {@code web-fragment.xml} nor initializers from the application's jars. Registered in
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}; Spring Boot is an
 * optional dependency of the filter jar, so nothing of this class is loaded outside Boot.
 *
 * <p>The settings are the usual {@code totpguard.*} keys, read from Boot's environment: properties named
 * {@code totpguard.*} (application properties, system properties, environment variables such as
 * {@code TOTPGUARD_KEY_FILE} for known keys) and {@code server.servlet.context-parameters.totpguard.*}; in a WAR
 * deployed to a container, its {@code web.xml} context parameters too. A {@code totpguard.*} property nothing
 * reads, a malformed value or a missing key stops start-up with a message naming the key (never a value); an
 * environment variable that matches no key is not recognised as a setting at all.
 *
 * <p>The filter is registered for {@code /*} and all five dispatcher types, ordered right after Spring
 * Security's {@code springSecurityFilterChain} (so {@code getRemoteUser()} is set, through Spring Security's
 * {@code SecurityContextHolderAwareRequestFilter}) and before any filter or servlet that serves content. Without
 * Spring Security it takes the same slot: after the request wrappers Boot orders first (character encoding,
 * Spring Session), before every filter at the default order. A {@link UserResolver} bean replaces
 * {@code getRemoteUser()}; a {@link TwoFactorService} bean replaces the one built from the settings.
 *
 * <p>In a WAR deployed to a container, the container installs the web fragment's filter too; that one then
 * steps aside (see {@link TotpFilter#init}), so each request is checked once, with Boot's settings.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(FilterRegistrationBean.class)
public class TotpGuardAutoConfiguration {

    /** The name of the registration; not {@link TotpFilter#NAME}, which the web fragment holds in a container. */
    public static final String FILTER_NAME = TotpFilter.NAME + "SpringBoot";

    /** The configurer of the Spring Security module, which replaces this filter where it is present. */
    static final String SPRING_SECURITY_MODULE = "dev.totpguard.spring.TotpConfigurer";

    /** Spring Security's filter bean ({@code AbstractSecurityWebApplicationInitializer.DEFAULT_FILTER_NAME}). */
    static final String SPRING_SECURITY_FILTER = "springSecurityFilterChain";
    /** Boot's setting of that filter's order, and its default ({@code SecurityFilterProperties.DEFAULT_FILTER_ORDER}). */
    static final String SPRING_SECURITY_ORDER = "spring.security.filter.order";
    static final int SPRING_SECURITY_DEFAULT_ORDER = -100;

    /**
     * The JDBC drivers of the application's class loader, registered with {@code DriverManager} while the
     * application runs: in a WAR deployed to Tomcat, DriverManager was initialised with Tomcat's loader and finds
     * no driver in {@code WEB-INF/lib} ({@code No suitable driver}), so the store could not open.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(ApplicationJdbcDrivers.class)
    ApplicationJdbcDrivers totpGuardJdbcDrivers(ApplicationContext context) {
        return ApplicationJdbcDrivers.register(context.getClassLoader());
    }

    /**
     * Builds the service from the {@code totpguard.*} settings unless the application has its own; the drivers
     * are a parameter so that they are registered before the store opens, and deregistered after it closed.
     */
    @Bean
    @ConditionalOnMissingBean
    public TwoFactorService totpGuardTwoFactorService(ConfigurableEnvironment environment,
            ApplicationJdbcDrivers drivers) {
        return SettingsFactory.service(settings(environment));
    }

    /**
     * The filter's registration.
     *
     * <p>Not with the Spring Security module (totpguard-spring-security) on the class path: its
     * {@code TotpConfigurer} is the TOTP factor of that application, inside Spring Security's filter chain; the
     * two are alternatives, and a second check of every request by this filter would ask for a code twice.
     *
     * @throws IllegalArgumentException naming the key of a bad or unknown setting: Boot then does not start
     */
    @Bean
    @ConditionalOnMissingClass(SPRING_SECURITY_MODULE)
    public FilterRegistrationBean<TotpFilter> totpGuardFilterRegistration(ConfigurableEnvironment environment,
            TwoFactorService service, ObjectProvider<UserResolver> userResolver, ListableBeanFactory beans) {
        TotpFilter.Builder builder = TotpFilter.builder().service(service).settings(settings(environment));
        UserResolver resolver = userResolver.getIfAvailable();
        if (resolver != null) {
            builder.userResolver(resolver);
        }
        boolean springSecurity = beans.containsBean(SPRING_SECURITY_FILTER);
        int securityOrder = environment.getProperty(SPRING_SECURITY_ORDER, Integer.class, SPRING_SECURITY_DEFAULT_ORDER);
        if (securityOrder == Integer.MAX_VALUE) {
            throw new IllegalStateException(SPRING_SECURITY_ORDER + " is Integer.MAX_VALUE: TOTP Guard must run right"
                    + " after Spring Security's filter chain and cannot; give the chain a lower order");
        }
        BootRegistration registration = new BootRegistration(builder.build());
        registration.setName(FILTER_NAME);
        registration.addUrlPatterns("/*");
        registration.setDispatcherTypes(TotpFilter.dispatcherTypes());
        registration.setAsyncSupported(true);
        registration.setOrder(securityOrder + 1);
        FilterCore.LOG.log(Level.INFO, "TOTP Guard filter installed by Spring Boot as {0}, order {1}, {2}",
                FILTER_NAME, securityOrder + 1, springSecurity ? "right after " + SPRING_SECURITY_FILTER
                        : "after Boot's request wrappers (no Spring Security)");
        return registration;
    }

    /**
     * The {@code totpguard.*} settings of the environment (see {@link EnvironmentSettings}, shared with the Spring
     * Security module's auto-configuration).
     *
     * @throws IllegalArgumentException if a key is not one TOTP Guard reads, or one key has two different values
     */
    static Settings settings(ConfigurableEnvironment environment) {
        return EnvironmentSettings.read(environment);
    }

    /**
     * Marks the servlet context as guarded by this registration when Boot registers it (in the initializer phase,
     * before any filter's {@code init}), so that a declared {@link TotpFilter} (the web fragment's, in a WAR
     * deployed to a container) steps aside instead of checking every request a second time with other settings.
     */
    static final class BootRegistration extends FilterRegistrationBean<TotpFilter> {

        BootRegistration(TotpFilter filter) {
            super(filter);
        }

        @Override
        protected FilterRegistration.Dynamic addRegistration(String description, ServletContext servletContext) {
            FilterRegistration.Dynamic registration = super.addRegistration(description, servletContext);
            if (registration != null) {
                servletContext.setAttribute(TotpFilter.INSTALLED_ATTRIBUTE, getFilter());
            }
            return registration;
        }
    }
}
