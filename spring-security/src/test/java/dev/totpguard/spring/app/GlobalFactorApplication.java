package dev.totpguard.spring.app;

import dev.totpguard.spring.TotpConfigurer;
import dev.totpguard.spring.TotpFactor;
import jakarta.servlet.http.HttpServlet;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.authorization.EnableMultiFactorAuthentication;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The application of spring-security/README.md: every request needs the password and the TOTP factor
 * ({@code @EnableMultiFactorAuthentication}), the service comes from the {@code totpguard.*} properties through the
 * auto-configuration. SpringSecurityReadmeTest checks that the README's lines are these.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableMultiFactorAuthentication(authorities = { FactorGrantedAuthority.PASSWORD_AUTHORITY, TotpFactor.AUTHORITY })
public class GlobalFactorApplication {

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
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
}
