package dev.totpguard.example.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.support.SpringBootServletInitializer;

/**
 * TOTP Guard's Spring example: a small admin application whose {@code /admin/**} pages need the password and a
 * TOTP code (see {@link SecurityConfiguration}). It runs with {@code java -jar totpguard-example-spring.war} (embedded
 * Tomcat) and deploys as the same WAR into a Servlet 6.1 container ({@link SpringBootServletInitializer}).
 */
@SpringBootApplication
@EnableConfigurationProperties(ExampleProperties.class)
public class ExampleSpringApplication extends SpringBootServletInitializer {

    public static void main(String[] args) {
        SpringApplication.run(ExampleSpringApplication.class, args);
    }

    @Override
    protected SpringApplicationBuilder configure(SpringApplicationBuilder builder) {
        return builder.sources(ExampleSpringApplication.class);
    }
}
