-- Platform event logs. Times are UTC (the JDBC session runs in UTC).

CREATE TABLE audit_events (
    id             BIGINT AUTO_INCREMENT PRIMARY KEY,
    time           DATETIME(6)   NOT NULL,
    actor_id       VARCHAR(64),
    actor_name     VARCHAR(128),
    area           VARCHAR(32)   NOT NULL,
    action         VARCHAR(64)   NOT NULL,
    target         VARCHAR(255),
    outcome        VARCHAR(16)   NOT NULL,
    peer_address   VARCHAR(128),
    correlation_id VARCHAR(64),
    detail         VARCHAR(1024),
    INDEX audit_by_time (time),
    INDEX audit_by_actor (actor_id, id),
    INDEX audit_by_action (area, action, id),
    INDEX audit_by_correlation (correlation_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE ops_events (
    id       BIGINT AUTO_INCREMENT PRIMARY KEY,
    time     DATETIME(6)   NOT NULL,
    area     VARCHAR(32)   NOT NULL,
    action   VARCHAR(64)   NOT NULL,
    level    VARCHAR(16)   NOT NULL,
    message  VARCHAR(1024) NOT NULL,
    instance VARCHAR(128)  NOT NULL,
    INDEX ops_by_time (time),
    INDEX ops_by_action (area, action, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE error_events (
    id             BIGINT AUTO_INCREMENT PRIMARY KEY,
    time           DATETIME(6)   NOT NULL,
    phase          VARCHAR(16)   NOT NULL,
    method         VARCHAR(255),
    principal_id   VARCHAR(64),
    error_type     VARCHAR(255)  NOT NULL,
    message        VARCHAR(1024),
    correlation_id VARCHAR(64),
    instance       VARCHAR(128)  NOT NULL,
    INDEX errors_by_time (time),
    INDEX errors_by_principal (principal_id, id),
    INDEX errors_by_correlation (correlation_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
