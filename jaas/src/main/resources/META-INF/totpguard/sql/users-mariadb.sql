-- User and role tables read by dev.totpguard.jaas.JdbcPasswordVerifier, for MariaDB and MySQL.
-- The same tables as users.sql, but with a binary collation: MariaDB's default collation compares names
-- case- and accent-insensitively, so 'ADMIN' or 'ádmin' would find the row of 'admin'. User names are
-- compared exactly, as on H2 and PostgreSQL.
-- password_hash holds pbkdf2-sha256$ITERATIONS$SALT$HASH lines from: java dev.totpguard.jaas.PasswordHash
CREATE TABLE IF NOT EXISTS totpguard_user (
    username      VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    password_hash VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS totpguard_user_role (
    username VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    role     VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    PRIMARY KEY (username, role)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
