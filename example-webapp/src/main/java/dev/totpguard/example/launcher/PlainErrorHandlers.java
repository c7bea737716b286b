package dev.totpguard.example.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error pages with the status and its standard reason phrase only: no exception class or message, no stack
 * trace, no request URI echoed back, no server version. Jetty's defaults put the cause into the page ("CAUSED BY:
 * java.lang.IllegalArgumentException: Not valid encoding '%zz'" for a login form with a bad escape), which tells an
 * attacker what runs and how it failed. One for the server (errors before a request reaches the web application)
 * and one for the web application (everything under it, including its login form); the pages of the application
 * itself are its own. Both send the headers of the application's pages.
 */
final class PlainErrorHandlers {

    private PlainErrorHandlers() {
    }

    static ErrorHandler forServer() {
        return quiet(new ErrorHandler() {
            @Override
            protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                    String contentType, List<Charset> charsets, int code, String message, Throwable cause) throws IOException {
                protect(response);
                return super.generateAcceptableResponse(request, response, callback, contentType, charsets, code, message, cause);
            }

            @Override
            protected void writeErrorHtmlBody(Request request, Writer writer, int code, String message, Throwable cause) throws IOException {
                writer.write(html(code));
            }

            @Override
            protected void writeErrorPlain(Request request, PrintWriter writer, int code, String message, Throwable cause) {
                writer.write(text(code));
            }

            @Override
            protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
                writer.write(json(code));
            }
        });
    }

    static ErrorPageErrorHandler forContext() {
        return quiet(new ErrorPageErrorHandler() {
            @Override
            protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                    String contentType, List<Charset> charsets, int code, String message, Throwable cause) throws IOException {
                protect(response);
                return super.generateAcceptableResponse(request, response, callback, contentType, charsets, code, message, cause);
            }

            @Override
            protected void writeErrorHtmlBody(Request request, Writer writer, int code, String message, Throwable cause) throws IOException {
                writer.write(html(code));
            }

            @Override
            protected void writeErrorPlain(Request request, PrintWriter writer, int code, String message, Throwable cause) {
                writer.write(text(code));
            }

            @Override
            protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
                writer.write(json(code));
            }
        });
    }

    /**
     * The protective headers of the application's own pages, on Jetty's answers too (a 400 for a broken escape, a 404
     * outside the application): not cached, not framed, not sniffed, no script, no referrer.
     */
    private static void protect(Response response) {
        HttpFields.Mutable headers = response.getHeaders();
        headers.put("Cache-Control", "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Content-Security-Policy", "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    }

    private static <T extends ErrorHandler> T quiet(T handler) {
        handler.setShowStacks(false);
        handler.setShowCauses(false);
        handler.setShowMessageInTitle(false);
        handler.setShowOrigin(false);
        return handler;
    }

    private static String html(int code) {
        return "<h2>" + text(code) + "</h2>\n";
    }

    private static String json(int code) {
        return "{\"status\":" + code + ",\"message\":\"" + reason(code) + "\"}";
    }

    private static String text(int code) {
        return "HTTP ERROR " + code + " " + reason(code);
    }

    /** The standard reason phrase ("Bad Request"), never the message a component attached. */
    private static String reason(int code) {
        String reason = HttpStatus.getMessage(code);
        return reason == null ? "Error" : reason;
    }
}
