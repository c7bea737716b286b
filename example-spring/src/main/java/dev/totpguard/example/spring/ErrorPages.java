package dev.totpguard.example.spring;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The error page, in the place of Spring Boot's: the status and its reason phrase as plain text, nothing of the
 * request, the exception or the application. Asked for directly ({@code GET /error}, not the container's error
 * dispatch, nor the forward of Boot's ErrorPageFilter), it is a 404 like any other unknown path; Boot's answered 500
 * with {@code "status":999} (found by an attacker's pass).
 */
@Controller
class ErrorPages implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<String> error(HttpServletRequest request) {
        // Set by the container's error dispatch, or by Boot's ErrorPageFilter (a forward) in a Tomcat the WAR is
        // deployed to; never by a client.
        HttpStatus status = null;
        if (request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code) {
            status = HttpStatus.resolve(code);
        }
        if (status == null || !status.isError()) {
            status = HttpStatus.NOT_FOUND;
        }
        return ResponseEntity.status(status).contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
                .body(status.value() + " " + status.getReasonPhrase() + "\n");
    }
}
