package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The three library jars as Java modules: what each exports, that {@code dev.totpguard.internal} is exported only to
 * TOTP Guard's own modules, and that the three resolve and load together on the module path with their required
 * dependencies. (Every other test runs them on the class path, as the drop-in deployments do.)
 */
class ModuleDescriptorTest {

    private static final String CORE = "dev.totpguard.core";
    private static final String FILTER = "dev.totpguard.filter";
    private static final String JAAS = "dev.totpguard.jaas";

    /** Module name to its exported packages; a qualified export is written "package to module,module". */
    private static final Map<String, Set<String>> EXPORTS = Map.of(
            CORE, Set.of("dev.totpguard", "dev.totpguard.config", "dev.totpguard.crypto", "dev.totpguard.otp", "dev.totpguard.qr",
                    "dev.totpguard.recovery", "dev.totpguard.store",
                    "dev.totpguard.internal to dev.totpguard.filter,dev.totpguard.jaas,dev.totpguard.spring",
                    "dev.totpguard.internal.template to dev.totpguard.filter,dev.totpguard.jaas,dev.totpguard.spring",
                    "dev.totpguard.internal.web to dev.totpguard.filter,dev.totpguard.jaas,dev.totpguard.spring",
                    "dev.totpguard.internal.config to dev.totpguard.filter,dev.totpguard.jaas,dev.totpguard.spring"),
            FILTER, Set.of("dev.totpguard.filter"),
            JAAS, Set.of("dev.totpguard.jaas", "dev.totpguard.jaspic"));

    @Test
    void eachModuleExportsItsApiPackagesAndInternalOnlyToTheProjectsModules() {
        Map<String, ModuleReference> modules = projectModules();
        assertEquals(EXPORTS.keySet(), modules.keySet(), "the library modules on the test class path");
        for (String name : EXPORTS.keySet()) {
            ModuleDescriptor descriptor = modules.get(name).descriptor();
            Set<String> exports = descriptor.exports().stream()
                    .map(export -> export.isQualified()
                            ? export.source() + " to " + String.join(",", new TreeSet<>(export.targets()))
                            : export.source())
                    .collect(Collectors.toSet());
            assertEquals(new TreeSet<>(EXPORTS.get(name)), new TreeSet<>(exports), name + " exports");
            assertTrue(descriptor.opens().isEmpty(), name + " opens nothing");
        }
    }

    @Test
    void theThreeModulesResolveAndLoadOnTheModulePath() throws Exception {
        ModuleLayer layer = moduleLayer().layer();

        Module core = layer.findModule(CORE).orElseThrow();
        Module filter = layer.findModule(FILTER).orElseThrow();
        Module jaas = layer.findModule(JAAS).orElseThrow();
        assertTrue(core.isExported("dev.totpguard.store"));
        assertFalse(core.isExported("dev.totpguard.internal"), "internal is not exported to everyone");
        assertTrue(core.isExported("dev.totpguard.internal", filter));
        assertTrue(core.isExported("dev.totpguard.internal", jaas));
        assertTrue(filter.canRead(core) && jaas.canRead(core));
        // Classes load from the layer, with their dependencies (zxing for the QR code) resolved as modules.
        Class<?> qrCode = Class.forName("dev.totpguard.qr.QrCode", true, layer.findLoader(CORE));
        assertEquals(core, qrCode.getModule());
        Object builder = qrCode.getMethod("builder").invoke(null);
        Object built = builder.getClass().getMethod("build").invoke(builder);
        assertTrue(((String) qrCode.getMethod("svg", String.class).invoke(built, "otpauth://totp/x?secret=AAAA")).startsWith("<svg"));
    }

    @Test
    void thePagesTextsLoadInsideANamedModule() throws Exception {
        // ResourceBundle.getBundle with a Control throws in a named module; the pages' texts must load there too.
        ModuleLayer.Controller controller = moduleLayer();
        Module core = controller.layer().findModule(CORE).orElseThrow();
        controller.addExports(core, "dev.totpguard.internal.web", ModuleDescriptorTest.class.getModule());
        Class<?> messages = Class.forName("dev.totpguard.internal.web.Messages", true, controller.layer().findLoader(CORE));
        assertEquals(core, messages.getModule());
        String baseName = (String) messages.getField("DEFAULT_BASE_NAME").get(null);
        Object english = messages.getConstructor(String.class, List.class).newInstance(baseName, List.of(Locale.ENGLISH));
        ResourceBundle bundle = (ResourceBundle) messages.getMethod("bundle", String.class).invoke(english, "de-CH, en;q=0.5");
        assertEquals("en", bundle.getString("lang"));
    }

    /** core, filter and jaas from the reactor with their required dependencies, in a module layer of their own. */
    private static ModuleLayer.Controller moduleLayer() {
        Map<String, ModuleReference> project = projectModules();
        List<Path> paths = new ArrayList<>();
        project.values().forEach(reference -> paths.add(Path.of(reference.location().orElseThrow())));
        // The required (not static) dependencies, as automatic or explicit modules from the class path.
        Set<String> required = Set.of("com.google.zxing", "org.apache.commons.codec", "jakarta.servlet");
        for (Path entry : classPath()) {
            try {
                ModuleFinder.of(entry).findAll().stream()
                        .filter(reference -> required.contains(reference.descriptor().name()))
                        .findFirst().ifPresent(reference -> paths.add(entry));
            } catch (FindException notAModule) {
                // A jar that cannot be a module is not one of the required dependencies.
            }
        }
        ModuleFinder finder = ModuleFinder.of(paths.toArray(Path[]::new));
        Configuration configuration = ModuleLayer.boot().configuration()
                .resolve(finder, ModuleFinder.of(), Set.of(CORE, FILTER, JAAS));
        return ModuleLayer.defineModulesWithOneLoader(configuration, List.of(ModuleLayer.boot()),
                ClassLoader.getPlatformClassLoader());
    }

    /** dev.totpguard.* modules found on the test class path (the reactor's jars or classes directories). */
    private static Map<String, ModuleReference> projectModules() {
        Map<String, ModuleReference> found = new TreeMap<>();
        for (Path entry : classPath()) {
            try {
                for (ModuleReference reference : ModuleFinder.of(entry).findAll()) {
                    if (reference.descriptor().name().startsWith("dev.totpguard.") && !reference.descriptor().isAutomatic()) {
                        found.put(reference.descriptor().name(), reference);
                    }
                }
            } catch (FindException notAModule) {
                // Not a module; not one of ours.
            }
        }
        return found;
    }

    private static List<Path> classPath() {
        List<Path> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry));
            }
        }
        return entries;
    }
}
