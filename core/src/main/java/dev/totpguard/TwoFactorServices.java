package dev.totpguard;

import java.util.Map;

/**
 * Builds a ready {@link TwoFactorService} from settings; the same as {@link TwoFactorService#fromSettings(Map)},
 * kept as the name the adapter modules were promised.
 */
public final class TwoFactorServices {

    private TwoFactorServices() {
    }

    /**
     * @see TwoFactorService#fromSettings(Map)
     * @throws IllegalArgumentException naming the key and expected form when a setting is wrong or missing
     */
    public static TwoFactorService fromSettings(Map<String, String> settings) {
        return TwoFactorService.fromSettings(settings);
    }
}
