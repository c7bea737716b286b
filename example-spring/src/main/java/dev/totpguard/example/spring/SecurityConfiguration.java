package dev.totpguard.example.spring;

import dev.totpguard.spring.TotpConfigurer;
import dev.totpguard.spring.TotpFactor;
import jakarta.servlet.SessionCookieConfig;
import org.springframework.boot.web.servlet.ServletContextInitializer;
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
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.util.UrlUtils;

/**
 * Spring Security as an admin application sets it up, plus TOTP Guard's factor: form login against the JDBC
 * accounts; {@code /admin/**} needs {@code ROLE_ADMIN}, the password factor and the TOTP factor;
 * {@code /admin/settings/**} needs a TOTP code entered within {@code example.step-up-age} (step-up). TOTP Guard's
 * pages under {@code /totpguard/} ask for the code, or set it up, for a user signed in with the password. Every
 * response carries a Content-Security-Policy that allows only what the pages use, and no referrer.
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
                .formLogin(form -> form.successHandler(returnToSavedPath()))
                .with(TotpConfigurer.totp(), Customizer.withDefaults())
                // For this application's pages and Spring's login page (its style sheet /default-ui.css); TOTP Guard's
                // pages send their own policy, which Spring's header writers leave in place.
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'; style-src 'self';"
                                + " img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER)));
        return http.build();
    }

    /**
     * Spring's return to the request saved before the login page, as a path on this server: the saved URL names the
     * host of that request's Host header, and a forged one would otherwise reach the Location.
     */
    private static AuthenticationSuccessHandler returnToSavedPath() {
        SavedRequestAwareAuthenticationSuccessHandler handler = new SavedRequestAwareAuthenticationSuccessHandler();
        handler.setRedirectStrategy((request, response, url) -> {
            String path = request.getContextPath() + url;
            if (UrlUtils.isAbsoluteUrl(url)) {
                int start = url.indexOf('/', url.indexOf("://") + 3);
                path = start < 0 ? request.getContextPath() + "/" : url.substring(start);
            }
            response.sendRedirect(response.encodeRedirectURL(path));
        });
        return handler;
    }

    /**
     * The session cookie: never readable by scripts, never sent with another site's forms (SameSite=Lax; Strict would
     * also keep it from a link followed from elsewhere, whose answer would then start a new session in the place of
     * the signed-in one). Set on the ServletContext, so it holds in a Tomcat the WAR is deployed to as on the embedded
     * one, where Boot's server.servlet.session.cookie.* would not reach. Secure is the container's rule for a request
     * over TLS.
     */
    @Bean
    ServletContextInitializer sessionCookie() {
        return servletContext -> {
            SessionCookieConfig cookie = servletContext.getSessionCookieConfig();
            cookie.setHttpOnly(true);
            cookie.setAttribute("SameSite", "Lax");
        };
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }
}
