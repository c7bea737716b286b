package dev.totpguard.example.spring;

import dev.totpguard.spring.TotpConfigurer;
import dev.totpguard.spring.TotpFactor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authorization.AuthorizationManagerFactories;
import org.springframework.security.authorization.AuthorizationManagerFactory;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Spring Security as an admin application sets it up, plus TOTP Guard's factor: form login against the JDBC
 * accounts; {@code /admin/**} needs {@code ROLE_ADMIN}, the password factor and the TOTP factor;
 * {@code /admin/settings/**} needs a TOTP code entered within {@code example.step-up-age} (step-up). TOTP Guard's
 * pages under {@code /totpguard/} ask for the code, or set it up, for a user signed in with the password.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain security(HttpSecurity http, ExampleProperties properties) throws Exception {
        AuthorizationManagerFactory<RequestAuthorizationContext> passwordAndTotp = AuthorizationManagerFactories
                .<RequestAuthorizationContext>multiFactor()
                .requireFactors(FactorGrantedAuthority.PASSWORD_AUTHORITY, TotpFactor.AUTHORITY)
                .build();
        AuthorizationManagerFactory<RequestAuthorizationContext> recentTotp = AuthorizationManagerFactories
                .<RequestAuthorizationContext>multiFactor()
                .requireFactor(factor -> factor.passwordAuthority())
                .requireFactor(factor -> factor.authority(TotpFactor.AUTHORITY).validDuration(properties.stepUpAge()))
                .build();
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/admin/settings", "/admin/settings/**").access(recentTotp.hasRole("ADMIN"))
                        .requestMatchers("/admin/**").access(passwordAndTotp.hasRole("ADMIN"))
                        .requestMatchers("/", "/error").permitAll()
                        .anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .with(TotpConfigurer.totp(), Customizer.withDefaults());
        return http.build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }
}
