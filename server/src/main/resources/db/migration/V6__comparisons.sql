-- Comparisons of two sessions' CSV outputs: the summary, per-file results and the row deltas.
-- A comparison row appears only when its job succeeded; deltas of an unfinished or failed run
-- are removed with it.

CREATE TABLE comparisons (
    id               VARCHAR(36) NOT NULL PRIMARY KEY,
    owner_id         VARCHAR(36) NOT NULL,
    left_session_id  VARCHAR(36) NOT NULL,
    right_session_id VARCHAR(36) NOT NULL,
    -- ret.v1.ComparisonOptions and ret.v1.ComparisonSummary (protobuf)
    options          BLOB        NOT NULL,
    summary          BLOB        NOT NULL,
    created_at       DATETIME(6) NOT NULL,
    INDEX comparisons_by_owner (owner_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE comparison_files (
    comparison_id VARCHAR(36)   NOT NULL,
    ordinal       INT           NOT NULL,
    path          VARCHAR(1024) NOT NULL,
    -- ret.v1.FileComparison (protobuf)
    result        BLOB          NOT NULL,
    -- JSON arrays: both headers as read, for the daff export
    left_columns  MEDIUMTEXT    NOT NULL,
    right_columns MEDIUMTEXT    NOT NULL,
    PRIMARY KEY (comparison_id, ordinal)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE comparison_deltas (
    comparison_id VARCHAR(36)   NOT NULL,
    seq           BIGINT        NOT NULL,
    file_ordinal  INT           NOT NULL,
    change_type   VARCHAR(16)   NOT NULL,
    -- ret.v1.RowDelta (protobuf)
    delta         MEDIUMBLOB    NOT NULL,
    PRIMARY KEY (comparison_id, seq),
    INDEX deltas_by_file (comparison_id, file_ordinal, change_type, seq),
    INDEX deltas_by_type (comparison_id, change_type, seq)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
