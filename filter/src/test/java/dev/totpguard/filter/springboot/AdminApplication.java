package dev.totpguard.filter.springboot;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
 * A small Spring Boot 4 application as a team would write it, knowing nothing of TOTP Guard beyond its jar and
 * {@code totpguard.*} properties: embedded Tomcat, Spring Security form login with its CSRF protection on,
 * {@code /admin/**} for signed-in users, one in-memory user. No component scan: only what is declared here and
 * what auto-configuration brings.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class AdminApplication {

    /** What the admin servlet writes; a response containing it is protected content. */
    public static final String MARKER = "ADMIN-CONTENT";
    public static final String USER = "admin";
    public static final String PASSWORD = "admin-password";

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/admin/**", "/totpguard/**").authenticated()
                        .anyRequest().permitAll())
                .formLogin(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(User.withUsername(USER).password("{noop}" + PASSWORD).roles("ADMIN").build());
    }

    @Bean
    ServletRegistrationBean<HttpServlet> adminServlet() {
        return new ServletRegistrationBean<>(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain;charset=UTF-8");
                response.getWriter().print(MARKER + " " + request.getRequestURI() + " for " + request.getRemoteUser());
            }
        }, "/admin/*");
    }
}
