-- TOTP Guard credential store schema for PostgreSQL 12 and later.
-- Table and index names start with the prefix totpguard_ (JdbcCredentialStore.Builder.tablePrefix
-- replaces it). Times are UTC epoch milliseconds, so time zones and DST never matter.
-- Secrets are AES-256-GCM ciphertext (the key lives outside the database); recovery codes are
-- salted PBKDF2 hashes. Nothing in these tables is usable without the key ring.

CREATE TABLE IF NOT EXISTS totpguard_credential (
    user_id                VARCHAR(255)   NOT NULL,
    status                 VARCHAR(16)    NOT NULL,
    secret_key_id          VARCHAR(32),
    secret_ciphertext      BYTEA,
    algorithm              VARCHAR(16),
    digits                 INTEGER,
    period_seconds         INTEGER,
    device_label           VARCHAR(255),
    created_at             BIGINT         NOT NULL,
    confirmed_at           BIGINT,
    last_used_step         BIGINT         NOT NULL,
    pending_key_id         VARCHAR(32),
    pending_ciphertext     BYTEA,
    pending_algorithm      VARCHAR(16),
    pending_digits         INTEGER,
    pending_period_seconds INTEGER,
    pending_device_label   VARCHAR(255),
    pending_created_at     BIGINT,
    failures               INTEGER        DEFAULT 0 NOT NULL,
    locked_until           BIGINT,
    CONSTRAINT totpguard_credential_pk PRIMARY KEY (user_id),
    CONSTRAINT totpguard_credential_status CHECK (status IN ('PENDING', 'ACTIVE'))
);

CREATE TABLE IF NOT EXISTS totpguard_recovery_code (
    user_id    VARCHAR(255) NOT NULL,
    code_index INTEGER      NOT NULL,
    code_hash  VARCHAR(255) NOT NULL,
    used_at    BIGINT,
    CONSTRAINT totpguard_recovery_code_pk PRIMARY KEY (user_id, code_index),
    CONSTRAINT totpguard_recovery_code_user FOREIGN KEY (user_id)
        REFERENCES totpguard_credential (user_id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS totpguard_address_failure (
    address      VARCHAR(64) NOT NULL,
    window_start BIGINT      NOT NULL,
    failures     INTEGER     NOT NULL,
    CONSTRAINT totpguard_address_failure_pk PRIMARY KEY (address)
);

CREATE INDEX IF NOT EXISTS totpguard_address_failure_window ON totpguard_address_failure (window_start);
