-- The shards of a job that several worker pods run at once (an IndexJob with parallelism > 1).
-- The job row stays the truth for clients; these rows say which shard is done, by whom, and how far.

CREATE TABLE job_shards (
    job_id        VARCHAR(36)  NOT NULL,
    shard         INT          NOT NULL,
    -- PENDING, RUNNING, SUCCEEDED
    state         VARCHAR(16)  NOT NULL,
    runner        VARCHAR(128),
    attempts      INT          NOT NULL DEFAULT 0,
    work_done     BIGINT       NOT NULL DEFAULT 0,
    heartbeat_at  DATETIME(6),
    updated_at    DATETIME(6)  NOT NULL,
    PRIMARY KEY (job_id, shard),
    CONSTRAINT job_shards_job FOREIGN KEY (job_id) REFERENCES jobs (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
