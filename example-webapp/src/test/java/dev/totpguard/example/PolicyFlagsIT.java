package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.otp.HmacAlgorithm;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.testkit.ExternalRequirement;
import java.nio.file.Path;
import java.util.Map;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's policy flags, end to end: started with {@code --algorithm SHA256 --digits 8 --period 60}, the
 * example's enrollment shows a QR code with those parameters, says (as a note, not an alert) which popular apps cannot
 * follow them, and accepts the code that an independent implementation, Debian's {@code oathtool}, computes from the
 * key shown for manual entry.
 */
class PolicyFlagsIT {

    private static final String ADMIN_PASSWORD = "first-admin-password";

    @Test
    void anSha256EightDigitSixtySecondPolicyWarnsAndEnrollsWithOathtoolsCode(@TempDir Path data) throws Exception {
        ExternalRequirement.assumeCommand("oathtool", "oathtool");
        try (LauncherProcess launcher = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", ADMIN_PASSWORD),
                "--port", "0", "--data", data.toString(), "--algorithm", "SHA256", "--digits", "8", "--period", "60")) {
            WebClient admin = new WebClient(launcher.baseUrl());
            WebClient.Page dashboard = admin.login("admin", ADMIN_PASSWORD);
            WebClient.Page enroll = admin.press(admin.click(dashboard, "Enable Two-Factor Authentication"),
                    "Time-based Tokens (TOTP)", Map.of());

            Element note = enroll.document().selectFirst("#two-factor [role=note].compatibility");
            assertNotNull(note, enroll.document().html());
            assertTrue(note.text().startsWith("This site uses SHA-256, 8 digits and a new code every 60 seconds."
                    + " Microsoft Authenticator and Authy support only SHA-1, 6 digits and 30 seconds"), note.text());
            assertTrue(enroll.document().select("[role=alert]").isEmpty(), "a note, not an alert");

            TotpParameters parameters = TotpCodes.scan(enroll).uri().parameters();
            assertEquals(HmacAlgorithm.SHA256, parameters.algorithm());
            assertEquals(8, parameters.digits());
            assertEquals(60, parameters.periodSeconds());
            String key = enroll.document().selectFirst("code.key").text().replace(" ", "");
            String code = ExternalRequirement.run("oathtool", "--totp=sha256", "--digits=8", "--time-step-size=60s",
                    "--base32", key).strip();
            assertTrue(code.matches("\\d{8}"), code);

            WebClient.Page saved = admin.press(enroll, "Save Changes", Map.of("token_code", code));
            assertEquals(200, saved.status(), saved.text());
            assertEquals(10, saved.document().select("ul.recovery-codes code").size(), saved.text());
        }
    }

    @Test
    void theDefaultPolicyHasNoNote(@TempDir Path data) throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", ADMIN_PASSWORD),
                "--port", "0", "--data", data.toString())) {
            WebClient admin = new WebClient(launcher.baseUrl());
            WebClient.Page enroll = admin.press(admin.click(admin.login("admin", ADMIN_PASSWORD),
                    "Enable Two-Factor Authentication"), "Time-based Tokens (TOTP)", Map.of());
            assertNotNull(enroll.document().selectFirst("img.qr"), enroll.text());
            assertTrue(enroll.document().select(".compatibility").isEmpty(), enroll.document().html());
            assertTrue(enroll.text().contains("Type the 6-digit code"), enroll.text());
        }
    }
}
