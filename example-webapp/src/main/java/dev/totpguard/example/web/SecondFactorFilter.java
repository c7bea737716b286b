package dev.totpguard.example.web;

import dev.totpguard.TotpGuardSettings;
import dev.totpguard.TwoFactorService;
import dev.totpguard.filter.TotpFilter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds TOTP Guard's {@link TotpFilter} for this application, around the same {@link TwoFactorService} as the
 * admin pages: every path under {@code /admin/} needs the second factor once the administrator has one; the
 * filter's token and recovery pages live under {@code /totpguard/}; the privileged actions ({@link Paths#PRIVILEGED})
 * need a code entered within the step-up age. The example's own enforcement setting is
 * applied by {@link EnforcementFilter} after it, so the filter runs with the service's policy (optional).
 */
final class SecondFactorFilter {

    private SecondFactorFilter() {
    }

    static TotpFilter build(TwoFactorService twoFactor, Map<String, String> contextSettings, Clock clock) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(TotpGuardSettings.FILTER_PROTECTED, "/admin/*");
        settings.put(TotpGuardSettings.FILTER_DEFAULT_TARGET, Paths.ADMIN);
        settings.put(TotpGuardSettings.FILTER_LOGIN, Paths.LOGIN);
        settings.put(TotpGuardSettings.FILTER_LOGOUT_TARGET, Paths.LOGIN);
        // Context parameters may still change any of the filter's keys.
        contextSettings.forEach((key, value) -> {
            if (key.startsWith("totpguard.filter.")) {
                settings.put(key, value);
            }
        });
        // The privileged actions are step-up paths whatever the context parameters say: the acting administrator's
        // code must be younger than the step-up age (totpguard.filter.step-up.max-age, 5 minutes by default), or the
        // filter asks for it again before the page or the action runs.
        String stepUp = settings.getOrDefault(TotpGuardSettings.FILTER_STEP_UP_PATHS, "").strip();
        settings.put(TotpGuardSettings.FILTER_STEP_UP_PATHS, (stepUp.isEmpty() ? "" : stepUp + ",") + String.join(",", Paths.PRIVILEGED));
        return TotpFilter.builder().service(twoFactor).settings(settings).clock(clock).build();
    }
}
