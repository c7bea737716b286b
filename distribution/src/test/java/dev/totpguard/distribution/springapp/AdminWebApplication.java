package dev.totpguard.distribution.springapp;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.support.SpringBootServletInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small Spring Boot 4 / Spring Security 7 admin application as a team writes it, knowing nothing of TOTP Guard:
 * form login, {@code /admin/**} for {@code ROLE_ADMIN}, one in-memory user, CSRF protection on as by default. It
 * is a WAR application ({@link SpringBootServletInitializer}) that also runs as an executable WAR ({@link #main}).
 * The distribution tests package it with TOTP Guard's jars and settings as filter/README.md says; nothing here
 * names TOTP Guard except the rule for its pages, which the README asks for.
 */
@SpringBootApplication
public class AdminWebApplication extends SpringBootServletInitializer {

    /** What the admin pages write; a response containing it is protected content. */
    public static final String MARKER = "SPRING-ADMIN-7f3a";
    public static final String USER = "alice";
    /** The property holding the user's password hash in Spring Security's format, e.g. {@code {bcrypt}$2a$...}. */
    public static final String PASSWORD_HASH_PROPERTY = "admin.password-hash";

    /** The executable WAR's entry point ({@code Start-Class}). */
    public static void main(String[] args) {
        SpringApplication.run(AdminWebApplication.class, args);
    }

    @Override
    protected SpringApplicationBuilder configure(SpringApplicationBuilder builder) {
        return builder.sources(AdminWebApplication.class);
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/admin/**").hasRole("ADMIN")
                        // TOTP Guard's pages: signed-in users (filter/README.md, Spring Boot).
                        .requestMatchers("/totpguard/**").authenticated()
                        .anyRequest().permitAll())
                .formLogin(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    UserDetailsService users(Environment environment) {
        return new InMemoryUserDetailsManager(User.withUsername(USER)
                .password(environment.getRequiredProperty(PASSWORD_HASH_PROPERTY)).roles("ADMIN").build());
    }

    /** The admin pages. */
    @RestController
    static class AdminPages {

        @GetMapping("/admin/**")
        String admin(HttpServletRequest request) {
            return MARKER + " " + request.getRequestURI() + " for " + request.getRemoteUser();
        }
    }
}
