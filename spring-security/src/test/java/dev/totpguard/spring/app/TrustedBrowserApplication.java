package dev.totpguard.spring.app;

import dev.totpguard.spring.TotpConfigurer;
import dev.totpguard.spring.TotpFactor;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.authorization.AuthorizationManagerFactories;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * "Remember this browser" and the enrollment grace in an application with Spring's own remember-me on, and a
 * form login (HTTP Basic instead with {@value #HTTP_BASIC}): {@code /app/**}
 * needs the password and the TOTP factor, {@code /totp-only/**} the TOTP factor alone (an application that trusts
 * any login for the first factor, which a remember-me cookie then is), {@code /admin/**} the password and a TOTP
 * factor no older than {@link #TOTP_VALID} (step-up). Every page writes the enrollment grace it was given
 * ({@link TotpFactor#ENROLLMENT_GRACE_ATTRIBUTE}). Two users, {@link ProtectedContent#USER} and {@link #OTHER}. The
 * {@code TwoFactorService} is the test's, registered before the context starts.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TrustedBrowserApplication {

    public static final Duration TOTP_VALID = Duration.ofMinutes(5);
    public static final String HTTP_BASIC = "test.http-basic";
    public static final String OTHER = "other";
    public static final String OTHER_PASSWORD = "other-password";
    public static final String APP_MARKER = "APP-CONTENT";
    public static final String GRACE_PREFIX = "grace=";

    @Bean
    SecurityFilterChain security(HttpSecurity http, @Value("${" + HTTP_BASIC + ":false}") boolean httpBasic)
            throws Exception {
        var passwordAndTotp = AuthorizationManagerFactories.multiFactor()
                .requireFactors(FactorGrantedAuthority.PASSWORD_AUTHORITY, TotpFactor.AUTHORITY).build();
        var totpOnly = AuthorizationManagerFactories.multiFactor().requireFactors(TotpFactor.AUTHORITY).build();
        var freshTotp = AuthorizationManagerFactories.multiFactor()
                .requireFactors(FactorGrantedAuthority.PASSWORD_AUTHORITY)
                .requireFactor(factor -> factor.authority(TotpFactor.AUTHORITY).validDuration(TOTP_VALID))
                .build();
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/app/**").access(passwordAndTotp.authenticated())
                        .requestMatchers("/totp-only/**").access(totpOnly.authenticated())
                        .requestMatchers("/admin/**").access(freshTotp.authenticated())
                        .anyRequest().authenticated())
                .rememberMe(rememberMe -> rememberMe.key("trusted-browser-test"))
                .with(TotpConfigurer.totp(), Customizer.withDefaults());
        if (httpBasic) {
            http.httpBasic(Customizer.withDefaults());
        } else {
            http.formLogin(Customizer.withDefaults());
        }
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername(ProtectedContent.USER).password("{noop}" + ProtectedContent.PASSWORD).roles("ADMIN").build(),
                User.withUsername(OTHER).password("{noop}" + OTHER_PASSWORD).roles("ADMIN").build());
    }

    @Bean
    ServletRegistrationBean<HttpServlet> content() {
        ServletRegistrationBean<HttpServlet> registration = new ServletRegistrationBean<>(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain;charset=UTF-8");
                response.getWriter().print(APP_MARKER + " " + request.getRequestURI() + " for "
                        + request.getRemoteUser() + " " + GRACE_PREFIX
                        + request.getAttribute(TotpFactor.ENROLLMENT_GRACE_ATTRIBUTE) + " setup="
                        + request.getAttribute(TotpFactor.ENROLLMENT_URL_ATTRIBUTE));
            }
        }, "/app/*", "/totp-only/*", "/admin/*");
        registration.setName(APP_MARKER);
        return registration;
    }
}
