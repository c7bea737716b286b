package dev.totpguard.example.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.store.StoreException;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.provisioning.JdbcUserDetailsManager;

/**
 * One database for the accounts (Spring Security's {@code users} and {@code authorities} tables, read by its
 * {@link JdbcUserDetailsManager}) and for TOTP Guard's credentials, and the one {@link TwoFactorService} over it that
 * TOTP Guard's Spring Security module takes from the context.
 */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    static final String ISSUER = "TOTP Guard Spring example";

    @Bean
    HikariDataSource dataSource(ExampleProperties properties) {
        // Always made private: the first password file lies there too, whichever database holds the accounts.
        Installation.prepareDataFolder(properties.data().toAbsolutePath());
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(properties.effectiveJdbcUrl());
        // Named, not looked up in DriverManager: in a container the driver jar lies in the WAR, whose class loader
        // DriverManager does not search.
        config.setDriverClassName(DatabaseDriver.fromJdbcUrl(properties.effectiveJdbcUrl()).getDriverClassName());
        config.setUsername(properties.jdbcUser());
        config.setPassword(properties.jdbcPassword());
        config.setMaximumPoolSize(10);
        config.setPoolName("example");
        return new HikariDataSource(config);
    }

    /** Opened before the account tables exist, since a missing key file may be created only for a new database. */
    @Bean
    KeyRing keyRing(ExampleProperties properties, DataSource dataSource) {
        return Installation.keyRing(properties.effectiveKeyFile(), dataSource);
    }

    @Bean
    @DependsOn("keyRing")
    JdbcUserDetailsManager userDetailsService(DataSource dataSource) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        // Spring Security's default schema for JdbcUserDetailsManager, in SQL that H2, PostgreSQL and MariaDB share.
        jdbc.execute("create table if not exists users (username varchar(50) not null primary key, "
                + "password varchar(500) not null, enabled boolean not null)");
        jdbc.execute("create table if not exists authorities (username varchar(50) not null, authority varchar(50) not null, "
                + "constraint fk_authorities_users foreign key (username) references users (username))");
        return new JdbcUserDetailsManager(dataSource);
    }

    /**
     * The service TOTP Guard's Spring Security module uses: the JDBC store on the same database, the key file, and a
     * {@link Clock} bean where one exists (tests move time with it), else the system clock.
     */
    @Bean
    TwoFactorService twoFactorService(DataSource dataSource, KeyRing keyRing, ObjectProvider<Clock> clock) throws StoreException {
        return TwoFactorService.builder()
                .store(JdbcCredentialStore.builder(dataSource).createSchemaIfMissing(true).build())
                .keyRing(keyRing)
                .policy(TwoFactorPolicy.builder().issuer(ISSUER).build())
                .clock(clock.getIfAvailable(Clock::systemUTC))
                .build();
    }
}
