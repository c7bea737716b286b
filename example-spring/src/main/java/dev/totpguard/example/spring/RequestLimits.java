package dev.totpguard.example.spring;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Request bodies of at most {@value #MAX_BODY_BYTES} bytes, declared up front, refused before anything reads them:
 * this application's forms are a few hundred bytes. Tomcat would parse a form of up to 2 MB, and for a larger declared
 * body every reader of a parameter (Spring Security's CSRF check first) gets an {@code InvalidParameterException} that
 * Tomcat and Spring log as two stack traces: about 17 KB of log from a 130-byte request that needs no sign-in (found
 * by an attacker's pass). A body without a declared length (chunked) is refused too, since it cannot be bounded
 * before it is read; browsers always declare the length of a form. A body that is not a URL-encoded form (this
 * application has no uploads), or a form Tomcat cannot parse (a broken {@code %} escape), is refused here as well:
 * a 130-byte broken multipart body cost 178 lines of stack trace (a second attacker's pass).
 */
@Configuration(proxyBeanMethods = false)
class RequestLimits {

    /** The bound; TOTP Guard's servlet filter uses the same for its own forms. */
    static final int MAX_BODY_BYTES = 16 * 1024;
    private static final String FORM = "application/x-www-form-urlencoded";

    @Bean
    FilterRegistrationBean<BoundedBodies> boundedBodies() {
        FilterRegistrationBean<BoundedBodies> registration = new FilterRegistrationBean<>(new BoundedBodies());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/*");
        return registration;
    }

    /** The filter, first of all, before Spring Security's. Stateless. */
    static final class BoundedBodies extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            long declared = request.getContentLengthLong();
            if (declared > MAX_BODY_BYTES) {
                refuse(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "Request body too large.");
                return;
            }
            if (declared < 0 && request.getHeader("Transfer-Encoding") != null) {
                refuse(response, HttpServletResponse.SC_LENGTH_REQUIRED, "Request body without a declared length.");
                return;
            }
            if (declared > 0) {
                String type = request.getContentType();
                if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(FORM)) {
                    refuse(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "Only form bodies are accepted.");
                    return;
                }
                try {
                    // Parsed once here, so that a broken form is one short answer, not a stack trace from every
                    // later reader of a parameter (Tomcat keeps the outcome: nothing parses the body again).
                    request.getParameterMap();
                } catch (RuntimeException malformed) {
                    refuse(response, HttpServletResponse.SC_BAD_REQUEST, "Malformed form.");
                    return;
                }
            }
            chain.doFilter(request, response);
        }

        private static void refuse(HttpServletResponse response, int status, String text) throws IOException {
            // The unread body is not drained: the connection ends with this answer.
            response.setHeader("Connection", "close");
            response.setHeader("Cache-Control", "no-store");
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setStatus(status);
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write(text);
        }
    }
}
