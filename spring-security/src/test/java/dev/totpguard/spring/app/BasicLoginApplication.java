package dev.totpguard.spring.app;

import dev.totpguard.spring.TotpConfigurer;
import jakarta.servlet.http.HttpServlet;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Password logins through HTTP Basic only, declared before or after the TOTP configurer ({@value #BASIC_FIRST}): the
 * order in which the chain configures the two must not matter. The {@code TwoFactorService} is the test's, registered before the context starts.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class BasicLoginApplication {

    public static final String BASIC_FIRST = "test.basic-first";

    @Bean
    SecurityFilterChain security(HttpSecurity http, @Value("${" + BASIC_FIRST + ":false}") boolean basicFirst)
            throws Exception {
        http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated());
        if (basicFirst) {
            http.httpBasic(Customizer.withDefaults()).with(TotpConfigurer.totp(), Customizer.withDefaults());
        } else {
            http.with(TotpConfigurer.totp(), Customizer.withDefaults()).httpBasic(Customizer.withDefaults());
        }
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(User.withUsername(ProtectedContent.USER)
                .password("{noop}" + ProtectedContent.PASSWORD).roles("ADMIN").build());
    }

    @Bean
    ServletRegistrationBean<HttpServlet> homeServlet() {
        return ProtectedContent.servlet(ProtectedContent.HOME_MARKER, "/home");
    }
}
