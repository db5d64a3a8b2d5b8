-- Sessions: uploaded archives, their inventory, and the CSV outputs made from them.

CREATE TABLE sessions (
    id                 VARCHAR(36)   NOT NULL PRIMARY KEY,
    owner_id           VARCHAR(36)   NOT NULL,
    file_name          VARCHAR(255)  NOT NULL,
    description        VARCHAR(1024) NOT NULL DEFAULT '',
    kind               VARCHAR(8)    NOT NULL,
    state              VARCHAR(16)   NOT NULL,
    archive_bytes      BIGINT        NOT NULL,
    uncompressed_bytes BIGINT        NOT NULL,
    -- directory (under the session's) holding the published outputs; NULL while there are none
    outputs_dir        VARCHAR(80),
    conversion_job_id  VARCHAR(36),
    created_at         DATETIME(6)   NOT NULL,
    updated_at         DATETIME(6)   NOT NULL,
    INDEX sessions_by_owner (owner_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE session_entries (
    session_id       VARCHAR(36)   NOT NULL,
    ordinal          INT           NOT NULL,
    path             VARCHAR(1024) NOT NULL,
    kind             VARCHAR(8)    NOT NULL,
    size_bytes       BIGINT        NOT NULL,
    compressed_bytes BIGINT        NOT NULL,
    skip_reason      VARCHAR(255),
    PRIMARY KEY (session_id, ordinal),
    CONSTRAINT session_entries_session FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE session_outputs (
    session_id  VARCHAR(36)   NOT NULL,
    ordinal     INT           NOT NULL,
    path        VARCHAR(1024) NOT NULL,
    source_path VARCHAR(1024) NOT NULL,
    table_name  VARCHAR(1024) NOT NULL DEFAULT '',
    size_bytes  BIGINT        NOT NULL,
    row_count   BIGINT        NOT NULL,
    -- JSON array of column names
    columns     MEDIUMTEXT    NOT NULL,
    -- column statistics (protobuf), computed on first preview and kept
    stats       MEDIUMBLOB,
    PRIMARY KEY (session_id, ordinal),
    INDEX session_outputs_by_path (session_id, path(255)),
    CONSTRAINT session_outputs_session FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
