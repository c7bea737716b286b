-- TOTP Guard credential store schema for H2 2.x.
-- Table and index names start with the prefix totpguard_ (JdbcCredentialStore.Builder.tablePrefix
-- replaces it). Times are UTC epoch milliseconds, so time zones and DST never matter.
-- Secrets are AES-256-GCM ciphertext (the key lives outside the database); recovery codes are
-- salted PBKDF2 hashes. Nothing in these tables is usable without the key ring.

CREATE TABLE IF NOT EXISTS totpguard_credential (
    user_id                VARCHAR(255)   NOT NULL,
    status                 VARCHAR(16)    NOT NULL,
    secret_key_id          VARCHAR(32),
    secret_ciphertext      VARBINARY(255),
    algorithm              VARCHAR(16),
    digits                 INTEGER,
    period_seconds         INTEGER,
    device_label           VARCHAR(255),
    created_at             BIGINT         NOT NULL,
    confirmed_at           BIGINT,
    last_used_step         BIGINT         NOT NULL,
    pending_key_id         VARCHAR(32),
    pending_ciphertext     VARBINARY(255),
    pending_algorithm      VARCHAR(16),
    pending_digits         INTEGER,
    pending_period_seconds INTEGER,
    pending_device_label   VARCHAR(255),
    pending_created_at     BIGINT,
    failures               INTEGER        DEFAULT 0 NOT NULL,
    locked_until           BIGINT,
    pending_nonce_hash     VARCHAR(64),
    secret_generation      BIGINT         DEFAULT 0 NOT NULL,
    account_key            VARCHAR(64),
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

-- sessions_valid_after: per account, the UTC epoch milliseconds before which its sessions that passed the second
-- factor are over (CredentialStore.revokeSessions: a reset, a disable, a lock, a new secret, a password change).
-- A table of its own rather than a column of totpguard_credential, whose row a reset or a disable deletes: the
-- revocation must outlive the credential. Created by re-running this file on a database of an older version.
CREATE TABLE IF NOT EXISTS totpguard_session_revocation (
    user_id              VARCHAR(255) NOT NULL,
    sessions_valid_after BIGINT       NOT NULL,
    CONSTRAINT totpguard_session_revocation_pk PRIMARY KEY (user_id)
);

-- trusted_browser: browsers a user chose to trust after a correct code ("remember this browser", off unless
-- totpguard.trusted-browser.days is set). token_hash is the SHA-256 (hex) of the cookie's random token, never the
-- token; account_key is AccountKey.of(user); secret_generation is the credential's generation when the browser was
-- trusted (a new secret makes the row worthless). Deleted by a reset, disable, lock, new secret or revokeSessions;
-- expired rows are purged. Created by re-running this file on a database of an older version.
CREATE TABLE IF NOT EXISTS totpguard_trusted_browser (
    token_hash        VARCHAR(64)  NOT NULL,
    browser_id        VARCHAR(32)  NOT NULL,
    account_key       VARCHAR(64)  NOT NULL,
    secret_generation BIGINT       NOT NULL,
    label             VARCHAR(100) NOT NULL,
    created_at        BIGINT       NOT NULL,
    expires_at        BIGINT       NOT NULL,
    CONSTRAINT totpguard_trusted_browser_pk PRIMARY KEY (token_hash)
);

CREATE INDEX IF NOT EXISTS totpguard_trusted_browser_account ON totpguard_trusted_browser (account_key);
CREATE INDEX IF NOT EXISTS totpguard_trusted_browser_expiry ON totpguard_trusted_browser (expires_at);

-- Upgrade of a table created by an earlier version: re-running this file adds the columns it lacks.
-- pending_nonce_hash: SHA-256 (hex) of the nonce that only the session which started the enrollment holds.
-- secret_generation: changes whenever a secret becomes active; the last-used-step compare-and-set checks it.
ALTER TABLE totpguard_credential ADD COLUMN IF NOT EXISTS pending_nonce_hash VARCHAR(64);
ALTER TABLE totpguard_credential ADD COLUMN IF NOT EXISTS secret_generation BIGINT DEFAULT 0 NOT NULL;
-- account_key: AccountKey.of(user_id), the SHA-256 of the user name folded (case, accents, compatibility
-- characters, surrounding space). Unique, so one account has one second factor however its name is spelled:
-- a case-insensitive user directory accepts ADMIN for admin, and TOTP Guard refuses ADMIN while admin is enrolled.
-- The statements below upgrade a table created by an older version (re-running this file is safe); the store
-- fills in the key of old rows at start-up.
ALTER TABLE totpguard_credential ADD COLUMN IF NOT EXISTS account_key VARCHAR(64);

CREATE UNIQUE INDEX IF NOT EXISTS totpguard_credential_account_key ON totpguard_credential (account_key);

-- enrollment_grace: per account, the grace period of enforcement REQUIRED (totpguard.enforcement.grace.*): when it
-- started (UTC epoch milliseconds) and how many password sign-ins it has counted. Keyed by account_key (AccountKey, as
-- in totpguard_credential), so another spelling of the name is the same account; a table of its own, so a reset or a
-- disable, which delete the credential row, never start a new period. The row with account_key 'enforcement' holds
-- when TOTP Guard first ran with enforcement REQUIRED and a grace. Created by re-running this file on an older database.
CREATE TABLE IF NOT EXISTS totpguard_enrollment_grace (
    account_key VARCHAR(64)  NOT NULL,
    started_at  BIGINT      NOT NULL,
    sign_ins    INTEGER     NOT NULL,
    CONSTRAINT totpguard_enrollment_grace_pk PRIMARY KEY (account_key)
);
