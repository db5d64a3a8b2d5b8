-- Accounts, login sessions, refresh tokens, API keys and the request workflows.

CREATE TABLE users (
    id                 VARCHAR(36)  NOT NULL PRIMARY KEY,
    username           VARCHAR(64)  NOT NULL,
    display_name       VARCHAR(128) NOT NULL DEFAULT '',
    role               VARCHAR(16)  NOT NULL,
    kind               VARCHAR(16)  NOT NULL,
    -- argon2id in PHC string form; NULL for service accounts
    password_hash      VARCHAR(255),
    active             BOOLEAN      NOT NULL DEFAULT TRUE,
    locked             BOOLEAN      NOT NULL DEFAULT FALSE,
    -- temporary lock after repeated failed logins
    locked_until       DATETIME(6),
    failed_logins      INT          NOT NULL DEFAULT 0,
    -- access tokens carry it; bumping it invalidates every token issued before
    token_version      INT          NOT NULL DEFAULT 0,
    max_sessions       INT          NOT NULL,
    max_upload_bytes   BIGINT       NOT NULL,
    max_login_sessions INT          NOT NULL,
    created_at         DATETIME(6)  NOT NULL,
    updated_at         DATETIME(6)  NOT NULL,
    last_login_at      DATETIME(6),
    UNIQUE KEY users_by_username (username),
    INDEX users_by_role (role, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- A login session is one signed-in device and the family of its refresh tokens.
CREATE TABLE login_sessions (
    id            VARCHAR(36)  NOT NULL PRIMARY KEY,
    user_id       VARCHAR(36)  NOT NULL,
    ip_address    VARCHAR(64),
    user_agent    VARCHAR(255),
    created_at    DATETIME(6)  NOT NULL,
    last_used_at  DATETIME(6)  NOT NULL,
    expires_at    DATETIME(6)  NOT NULL,
    revoked_at    DATETIME(6),
    revoke_reason VARCHAR(64),
    INDEX login_sessions_by_user (user_id, revoked_at),
    CONSTRAINT login_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE refresh_tokens (
    -- SHA-256 of the token (hex); the token itself is never stored
    token_hash CHAR(64)    NOT NULL PRIMARY KEY,
    session_id VARCHAR(36) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    -- set when the token was traded for a new one; presenting it again is reuse
    rotated_at DATETIME(6),
    INDEX refresh_tokens_by_session (session_id),
    CONSTRAINT refresh_tokens_session FOREIGN KEY (session_id) REFERENCES login_sessions (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE api_keys (
    id                 VARCHAR(36)  NOT NULL PRIMARY KEY,
    prefix             VARCHAR(16)  NOT NULL,
    key_hash           CHAR(64)     NOT NULL,
    service_account_id VARCHAR(36)  NOT NULL,
    description        VARCHAR(255) NOT NULL DEFAULT '',
    created_at         DATETIME(6)  NOT NULL,
    created_by         VARCHAR(36),
    expires_at         DATETIME(6),
    last_used_at       DATETIME(6),
    revoked_at         DATETIME(6),
    UNIQUE KEY api_keys_by_prefix (prefix),
    INDEX api_keys_by_account (service_account_id, id),
    CONSTRAINT api_keys_account FOREIGN KEY (service_account_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE password_reset_requests (
    id               VARCHAR(36)   NOT NULL PRIMARY KEY,
    user_id          VARCHAR(36)   NOT NULL,
    reason           VARCHAR(1024) NOT NULL,
    status           VARCHAR(16)   NOT NULL,
    created_at       DATETIME(6)   NOT NULL,
    decided_by       VARCHAR(36),
    decided_at       DATETIME(6),
    decision_note    VARCHAR(1024),
    token_hash       CHAR(64),
    token_expires_at DATETIME(6),
    completed_at     DATETIME(6),
    INDEX reset_requests_by_status (status, id),
    INDEX reset_requests_by_user (user_id, id),
    CONSTRAINT reset_requests_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE limit_requests (
    id                 VARCHAR(36)   NOT NULL PRIMARY KEY,
    user_id            VARCHAR(36)   NOT NULL,
    max_sessions       INT           NOT NULL,
    max_upload_bytes   BIGINT        NOT NULL,
    max_login_sessions INT           NOT NULL,
    reason             VARCHAR(1024) NOT NULL,
    status             VARCHAR(16)   NOT NULL,
    created_at         DATETIME(6)   NOT NULL,
    decided_by         VARCHAR(36),
    decided_at         DATETIME(6),
    decision_note      VARCHAR(1024),
    INDEX limit_requests_by_status (status, id),
    INDEX limit_requests_by_user (user_id, id),
    CONSTRAINT limit_requests_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
