-- User and role tables read by dev.totpguard.jaas.JdbcPasswordVerifier (standard SQL: H2, PostgreSQL).
-- On MariaDB or MySQL use users-mariadb.sql: their default collation compares names case-insensitively.
-- password_hash holds pbkdf2-sha256$ITERATIONS$SALT$HASH lines from: java dev.totpguard.jaas.PasswordHash
CREATE TABLE IF NOT EXISTS totpguard_user (
    username      VARCHAR(255) NOT NULL PRIMARY KEY,
    password_hash VARCHAR(255) NOT NULL
);
CREATE TABLE IF NOT EXISTS totpguard_user_role (
    username VARCHAR(255) NOT NULL,
    role     VARCHAR(255) NOT NULL,
    PRIMARY KEY (username, role)
);
