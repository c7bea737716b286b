package dev.totpguard.filter.springboot;

import dev.totpguard.filter.TotpFilter;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * {@link AdminApplication} as a WAR in a container that also installs the jar's web fragment: the fragment's
 * declaration ({@link TotpFilter} by its no-argument constructor, named {@value TotpFilter#NAME}, on {@code /*}
 * after the programmatic filters) is reproduced here, because Boot's embedded Tomcat reads no fragments.
 */
@Configuration(proxyBeanMethods = false)
@Import(AdminApplication.class)
public class DeclaredFilterApplication {

    @Bean
    ServletContextInitializer webFragmentDeclaration() {
        return context -> {
            var registration = context.addFilter(TotpFilter.NAME, TotpFilter.class);
            registration.setAsyncSupported(true);
            registration.addMappingForUrlPatterns(TotpFilter.dispatcherTypes(), true, "/*");
        };
    }
}
