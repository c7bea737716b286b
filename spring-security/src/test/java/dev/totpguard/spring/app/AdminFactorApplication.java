package dev.totpguard.spring.app;

import dev.totpguard.spring.TotpConfigurer;
import dev.totpguard.spring.TotpFactor;
import jakarta.servlet.http.HttpServlet;
import java.time.Duration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.authorization.AuthorizationManagerFactories;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The TOTP factor for {@code /admin/**} only, and fresh: a code no older than {@link #TOTP_VALID} (step-up); the
 * rest of the application with the password alone. The {@code TwoFactorService} is the test's, registered before
 * the context starts, so the test owns its clock.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class AdminFactorApplication {

    public static final Duration TOTP_VALID = Duration.ofMinutes(5);

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        var freshTotp = AuthorizationManagerFactories.multiFactor()
                .requireFactor(factor -> factor.authority(TotpFactor.AUTHORITY).validDuration(TOTP_VALID))
                .build();
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/admin/**").access(freshTotp.authenticated())
                        .anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .with(TotpConfigurer.totp(), Customizer.withDefaults());
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(User.withUsername(ProtectedContent.USER)
                .password("{noop}" + ProtectedContent.PASSWORD).roles("ADMIN").build());
    }

    @Bean
    ServletRegistrationBean<HttpServlet> adminServlet() {
        return ProtectedContent.servlet(ProtectedContent.ADMIN_MARKER, "/admin/*");
    }

    @Bean
    ServletRegistrationBean<HttpServlet> homeServlet() {
        return ProtectedContent.servlet(ProtectedContent.HOME_MARKER, "/home");
    }
}
