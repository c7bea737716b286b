package dev.totpguard.example.web;

import dev.totpguard.TwoFactorService;
import dev.totpguard.example.data.DataAccessException;
import dev.totpguard.example.data.SiteSettings;
import dev.totpguard.example.data.Text;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.filter.TotpFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds TOTP Guard's {@link TotpFilter} for this application, around the same {@link TwoFactorService} as the
 * admin pages: every path under {@code /admin/} needs the second factor once the administrator has one; the
 * filter's token and recovery pages live under {@code /totpguard/}; the privileged actions ({@link Paths#PRIVILEGED})
 * need a code entered within the step-up age; the filter's pages carry the example's name, logo and style sheet
 * ({@code totpguard.filter.brand.*}). The example's own enforcement setting is
 * applied by {@link EnforcementFilter} after it, so the filter runs with the service's policy (optional); the filter's
 * settings page is told the setting, so that while it is on nobody turns the factor off there.
 */
final class SecondFactorFilter {

    private SecondFactorFilter() {
    }

    static TotpFilter build(TwoFactorService twoFactor, SiteSettings siteSettings, Map<String, String> contextSettings,
            String source) {
        // Context parameters may still change any of the filter's keys. The filter's own pages (token, recovery code,
        // enrollment) carry this application's name (a product name, in English), logo and style sheet, so they look
        // like its other pages.
        TotpFilter.Builder filter = TotpFilter.builder().service(twoFactor).protectedPaths("/admin/*")
                .defaultTarget(Paths.ADMIN).loginPath(Paths.LOGIN).logoutTarget(Paths.LOGIN)
                .brandName(Text.of("site").english()).brandLogo(Paths.LOGO).brandStylesheet(Paths.STYLESHEET).brandHome(Paths.ADMIN)
                .settings(contextSettings, source)
                // While "Require two-factor authentication" is on, TOTP Guard's settings page keeps the factor (no turning
                // it off, no removing the last authenticator); a database that cannot say counts as on.
                .requiredAtRunTime(() -> {
                    try {
                        return siteSettings.requireTwoFactor();
                    } catch (DataAccessException e) {
                        return true;
                    }
                });
        // The privileged actions are step-up paths whatever the context parameters say: the acting administrator's
        // code must be younger than the step-up age (totpguard.filter.step-up.max-age, 5 minutes by default), or the
        // filter asks for it again before the page or the action runs.
        List<String> stepUp = new ArrayList<>(Paths.PRIVILEGED);
        Settings.of(contextSettings, source).string(TotpGuardSettings.FILTER_STEP_UP_PATHS).ifPresent(paths -> stepUp.add(0, paths));
        return filter.stepUpPaths(stepUp.toArray(String[]::new)).build();
    }
}
