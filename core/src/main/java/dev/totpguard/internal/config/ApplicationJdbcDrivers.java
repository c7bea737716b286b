package dev.totpguard.internal.config;

import java.lang.System.Logger.Level;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The JDBC drivers of an application's own class loader (its {@code WEB-INF/lib}), registered with
 * {@link DriverManager} for as long as the filter, the Spring Security module or the Spring Boot application runs.
 *
 * <p>Why: Tomcat (and any container that touches DriverManager before the application exists) initialises
 * DriverManager with its own class loader, so a driver that only the application has is not found by its URL and
 * the store cannot open ({@code No suitable driver}). Loading the drivers through the application's class loader
 * registers them, as DriverManager would have. Where DriverManager already knows them (a plain class path, Boot's
 * executable jar) nothing is registered.
 *
 * <p>Thread-safe; {@link #close()} deregisters what {@link #register} added, once.
 */
public final class ApplicationJdbcDrivers implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ApplicationJdbcDrivers.class.getName());

    private List<Driver> registered;

    private ApplicationJdbcDrivers(List<Driver> registered) {
        this.registered = registered;
    }

    /** Nothing registered. */
    public static ApplicationJdbcDrivers none() {
        return new ApplicationJdbcDrivers(List.of());
    }

    /** Registers the drivers {@code loader} itself loads and DriverManager does not know yet. */
    public static ApplicationJdbcDrivers register(ClassLoader loader) {
        if (loader == null) {
            return none();
        }
        Set<Driver> before = new HashSet<>(Collections.list(DriverManager.getDrivers()));
        try {
            for (Iterator<Driver> drivers = ServiceLoader.load(Driver.class, loader).iterator(); drivers.hasNext();) {
                drivers.next();
            }
        } catch (ServiceConfigurationError e) {
            LOG.log(Level.WARNING, "A JDBC driver of the application could not be loaded", e);
        }
        List<Driver> added = new ArrayList<>();
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (!before.contains(driver) && driver.getClass().getClassLoader() == loader) {
                added.add(driver);
            }
        }
        return new ApplicationJdbcDrivers(List.copyOf(added));
    }

    /** Deregisters the drivers {@link #register} added, so a redeployed application's loader can be collected. */
    @Override
    public synchronized void close() {
        for (Driver driver : registered) {
            try {
                DriverManager.deregisterDriver(driver);
            } catch (SQLException | SecurityException e) {
                LOG.log(Level.DEBUG, "Could not deregister a JDBC driver", e);
            }
        }
        registered = List.of();
    }
}
