-- Jobs: the source of truth for long-running work, whoever runs it.

CREATE TABLE jobs (
    id               VARCHAR(36)   NOT NULL PRIMARY KEY,
    type             VARCHAR(16)   NOT NULL,
    owner_id         VARCHAR(36)   NOT NULL,
    state            VARCHAR(16)   NOT NULL,
    priority         INT           NOT NULL DEFAULT 0,
    progress         INT           NOT NULL DEFAULT 0,
    phase            VARCHAR(255)  NOT NULL DEFAULT '',
    work_done        BIGINT        NOT NULL DEFAULT 0,
    work_total       BIGINT        NOT NULL DEFAULT 0,
    work_unit        VARCHAR(16)   NOT NULL DEFAULT '',
    subject_id       VARCHAR(36),
    result_id        VARCHAR(36),
    -- the start request's options (protobuf), read by whoever runs the job
    params           MEDIUMBLOB,
    -- ret.v1.JobResult (protobuf), set when SUCCEEDED
    result           MEDIUMBLOB,
    error_reason     VARCHAR(64),
    error_message    VARCHAR(1024),
    attempts         INT           NOT NULL DEFAULT 0,
    max_attempts     INT           NOT NULL DEFAULT 2,
    cancel_requested BOOLEAN       NOT NULL DEFAULT FALSE,
    -- who runs it now (an instance id or a worker pod) and when it last said so
    runner           VARCHAR(128),
    heartbeat_at     DATETIME(6),
    -- bumped on every change, so watchers can drop stale events
    version          BIGINT        NOT NULL DEFAULT 0,
    correlation_id   VARCHAR(64),
    created_at       DATETIME(6)   NOT NULL,
    started_at       DATETIME(6),
    updated_at       DATETIME(6)   NOT NULL,
    ended_at         DATETIME(6),
    INDEX jobs_queue (state, priority, created_at),
    INDEX jobs_by_owner (owner_id, id),
    INDEX jobs_by_subject (subject_id, state),
    INDEX jobs_running (state, heartbeat_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
