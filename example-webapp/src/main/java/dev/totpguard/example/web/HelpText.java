package dev.totpguard.example.web;

/** The short help shown on the two-factor pages and on the Help page. Static text, already HTML. */
final class HelpText {

    static final String APPS = "Google Authenticator, Microsoft Authenticator, Authy, or any other app for RFC 6238 time-based tokens";

    static final String TWO_FACTOR = """
            <section class="help" id="help">
            <h2>About two-factor authentication</h2>
            <p><strong>What it is.</strong> After your password you type a 6-digit token code from an authenticator app on
            your phone (%s). The code changes every 30 seconds and works only once, so a stolen password alone is not
            enough to sign in.</p>
            <p><strong>Lost your phone?</strong> Sign in with one of the recovery codes you saved when you set up
            two-factor authentication: type it instead of the token code. Each recovery code works once. Then disable
            two-factor authentication and set it up again on your new phone.</p>
            <p><strong>No recovery codes left?</strong> Ask another administrator to reset your two-factor authentication
            (Setup &gt; Staff Management &gt; Administrators &gt; Edit &gt; Disable). If no other administrator can sign in,
            the server's operator can run <code>java -jar totpguard-example.jar admin reset-2fa YOUR_USER_NAME</code>.</p>
            </section>
            """.formatted(APPS);

    private HelpText() {
    }
}
