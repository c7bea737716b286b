package dev.totpguard.internal.config;

import dev.totpguard.config.TotpGuardSettings;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The {@code totpguard.*} settings of a Spring {@link ConfigurableEnvironment}, for the Spring Boot
 * auto-configurations of the filter and of the Spring Security module (one reader, so both refuse the same typos):
 * properties named {@code totpguard.*} (application properties, system properties, environment variables such as
 * {@code TOTPGUARD_KEY_FILE} for known keys) and {@code server.servlet.context-parameters.totpguard.*}. Spring is an
 * optional dependency of core; nothing else loads this class.
 */
public final class EnvironmentSettings {

    private static final String PREFIX = "totpguard.";
    private static final String VARIABLE_PREFIX = "TOTPGUARD_";
    private static final String CONTEXT_PARAMETERS = "server.servlet.context-parameters.";

    private EnvironmentSettings() {
    }

    /**
     * The {@code totpguard.*} settings of the environment.
     *
     * @throws IllegalArgumentException if a key is not one TOTP Guard reads, a {@code TOTPGUARD_*} environment variable
     *     looks like a misspelled setting, or one key has two different values
     */
    public static Settings read(ConfigurableEnvironment environment) {
        Map<String, String> settings = new TreeMap<>();
        Map<String, String> contextParameters = new TreeMap<>();
        Set<String> otherVariables = new TreeSet<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> enumerable)) {
                continue;
            }
            for (String name : enumerable.getPropertyNames()) {
                boolean environmentVariable = source instanceof SystemEnvironmentPropertySource;
                String key = settingKey(name, environmentVariable);
                if (key == null) {
                    if (environmentVariable && name.toUpperCase(Locale.ROOT).startsWith(VARIABLE_PREFIX)) {
                        otherVariables.add(name);
                    }
                    continue;
                }
                // Under its own name (or an environment variable for it) Boot's order of sources decides; a
                // context parameter is another name for the same key.
                boolean contextParameter = name.startsWith("server.servlet.");
                String value = environment.getProperty(contextParameter ? name : key);
                if (value == null) {
                    value = environment.getProperty(name);
                }
                if (value != null) {
                    (contextParameter ? contextParameters : settings).put(key, value);
                }
            }
        }
        for (Map.Entry<String, String> parameter : contextParameters.entrySet()) {
            String earlier = settings.putIfAbsent(parameter.getKey(), parameter.getValue());
            if (earlier != null && !earlier.equals(parameter.getValue())) {
                throw new InvalidSettingException("Setting " + parameter.getKey() + " is given twice with different"
                        + " values, as " + parameter.getKey() + " and as " + CONTEXT_PARAMETERS + parameter.getKey()
                        + "; give it once");
            }
        }
        refuseMisspelledVariables(otherVariables, settings.get(TotpGuardSettings.KEY_ENV));
        // A typo (totpguard.enforcment=REQUIRED) is refused, naming the nearest key, as from every other source.
        return Settings.of(settings, "Spring Boot property");
    }

    /**
     * Refuses a {@code TOTPGUARD_*} environment variable that is no setting but looks like one: within two edits of a
     * setting's variable ({@code TOTPGUARD_ENFORCMENT}), or in the group of one ({@code TOTPGUARD_SPRING_BRAND_HOMEPAGE}).
     * Without this, the misspelled setting would be ignored without a word and its default stay in force. Other
     * {@code TOTPGUARD_*} variables are left alone, as they are legitimate: the one {@code totpguard.key.env} names
     * holds the key itself, an application may hold its own passwords in others. Only names reach the message, never
     * a value.
     */
    private static void refuseMisspelledVariables(Set<String> variables, String keyVariable) {
        for (String variable : variables) {
            if (variable.equals(keyVariable)) {
                continue;
            }
            String upper = variable.toUpperCase(Locale.ROOT);
            String nearest = null;
            int best = Integer.MAX_VALUE;
            for (String key : knownKeys()) {
                String known = environmentName(key);
                int distance = Settings.editDistance(upper, known);
                boolean sameGroup = known.indexOf('_', VARIABLE_PREFIX.length()) > 0
                        && upper.startsWith(known.substring(0, known.lastIndexOf('_') + 1));
                if ((distance <= 2 || sameGroup) && distance < best) {
                    best = distance;
                    nearest = known;
                }
            }
            if (nearest != null) {
                throw new InvalidSettingException("Environment variable " + variable + " is not a TOTP Guard setting: did"
                        + " you mean " + nearest + "? A misspelled setting is refused so that a typo cannot leave a default"
                        + " in force; rename the variable, or remove it");
            }
        }
    }

    /** The TOTP Guard key a property name stands for, or {@code null} if it is not one. */
    private static String settingKey(String name, boolean environmentVariable) {
        if (name.startsWith(PREFIX)) {
            return name;
        }
        if (name.startsWith(CONTEXT_PARAMETERS + PREFIX)) {
            return name.substring(CONTEXT_PARAMETERS.length());
        }
        // YAML and indexed forms: server.servlet.context-parameters[totpguard.key.file]
        String indexed = "server.servlet.context-parameters[" + PREFIX;
        if (name.startsWith(indexed) && name.endsWith("]")) {
            return name.substring(indexed.length() - PREFIX.length(), name.length() - 1);
        }
        if (environmentVariable && name.toUpperCase(Locale.ROOT).startsWith(VARIABLE_PREFIX)) {
            for (String key : knownKeys()) {
                if (environmentName(key).equals(name.toUpperCase(Locale.ROOT))) {
                    return key;
                }
            }
            // Not a setting: refused by refuseMisspelledVariables only where it looks like a misspelled one.
        }
        return null;
    }

    private static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Set<String> knownKeys() {
        return TotpGuardSettings.knownKeys();
    }

}
