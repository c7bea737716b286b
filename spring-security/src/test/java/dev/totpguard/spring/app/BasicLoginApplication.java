package dev.totpguard.spring.app;

import dev.totpguard.TwoFactorService;
import dev.totpguard.spring.PasswordAttemptAuthenticationManager;
import dev.totpguard.spring.TotpConfigurer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.WebAuthenticationDetailsSource;

/**
 * Password logins through HTTP Basic, declared before or after the TOTP configurer ({@value #BASIC_FIRST}): the
 * order in which the chain configures the two must not matter; and through a login of the application's own
 * ({@value #OWN_LOGIN}, README's lines for it). The {@code TwoFactorService} is the test's, registered before the context starts.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class BasicLoginApplication {

    public static final String BASIC_FIRST = "test.basic-first";

    /** A login of the application's own (a servlet here; a controller alike), outside Spring's login filters. */
    public static final String OWN_LOGIN = "/own-login";

    @Bean
    SecurityFilterChain security(HttpSecurity http, @Value("${" + BASIC_FIRST + ":false}") boolean basicFirst)
            throws Exception {
        http.authorizeHttpRequests(requests -> requests.requestMatchers(OWN_LOGIN).permitAll()
                .anyRequest().authenticated())
                // The test's own login is posted by a client without a session; it is not a browser form.
                .csrf(csrf -> csrf.ignoringRequestMatchers(OWN_LOGIN));
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
    ServletRegistrationBean<HttpServlet> ownLogin(UserDetailsService users, TwoFactorService twoFactorService) {
        AuthenticationManager authenticationManager = new ProviderManager(new DaoAuthenticationProvider(users));
        HttpServlet login = new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
                String username = request.getParameter("username");
                String password = request.getParameter("password");
                AuthenticationManager logins = PasswordAttemptAuthenticationManager.wrap(authenticationManager, twoFactorService);
                var attempt = UsernamePasswordAuthenticationToken.unauthenticated(username, password);
                attempt.setDetails(new WebAuthenticationDetailsSource().buildDetails(request));
                response.setContentType("text/plain;charset=UTF-8");
                try {
                    Authentication signedIn = logins.authenticate(attempt);
                    response.getWriter().print(ProtectedContent.HOME_MARKER + " for " + signedIn.getName());
                } catch (AuthenticationException refused) {
                    response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
                    response.getWriter().print(refused.getMessage());
                }
            }
        };
        return new ServletRegistrationBean<>(login, OWN_LOGIN);
    }

    @Bean
    ServletRegistrationBean<HttpServlet> homeServlet() {
        return ProtectedContent.servlet(ProtectedContent.HOME_MARKER, "/home");
    }
}
