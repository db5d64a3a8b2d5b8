-- Retrieval-augmented chat: collections (owned, shareable), what was indexed into them, conversations.

CREATE TABLE collections (
    id              VARCHAR(36)   NOT NULL PRIMARY KEY,
    owner_id        VARCHAR(36)   NOT NULL,
    name            VARCHAR(128)  NOT NULL,
    description     VARCHAR(1024) NOT NULL DEFAULT '',
    embedding_model VARCHAR(128)  NOT NULL,
    dimensions      INT           NOT NULL,
    created_at      DATETIME(6)   NOT NULL,
    updated_at      DATETIME(6)   NOT NULL,
    UNIQUE KEY collections_by_owner_name (owner_id, name),
    INDEX collections_by_owner (owner_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE collection_grants (
    collection_id VARCHAR(36) NOT NULL,
    user_id       VARCHAR(36) NOT NULL,
    granted_at    DATETIME(6) NOT NULL,
    PRIMARY KEY (collection_id, user_id),
    INDEX grants_by_user (user_id),
    CONSTRAINT grants_collection FOREIGN KEY (collection_id) REFERENCES collections (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE collection_sessions (
    collection_id VARCHAR(36) NOT NULL,
    session_id    VARCHAR(36) NOT NULL,
    chunks        BIGINT      NOT NULL,
    indexed_at    DATETIME(6) NOT NULL,
    PRIMARY KEY (collection_id, session_id),
    CONSTRAINT indexed_collection FOREIGN KEY (collection_id) REFERENCES collections (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE conversations (
    id            VARCHAR(36)  NOT NULL PRIMARY KEY,
    owner_id      VARCHAR(36)  NOT NULL,
    collection_id VARCHAR(36)  NOT NULL,
    title         VARCHAR(255) NOT NULL,
    created_at    DATETIME(6)  NOT NULL,
    updated_at    DATETIME(6)  NOT NULL,
    INDEX conversations_by_owner (owner_id, id),
    CONSTRAINT conversations_collection FOREIGN KEY (collection_id) REFERENCES collections (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE conversation_messages (
    id              VARCHAR(36) NOT NULL PRIMARY KEY,
    conversation_id VARCHAR(36) NOT NULL,
    role            VARCHAR(16) NOT NULL,
    text            MEDIUMTEXT  NOT NULL,
    -- ret.v1 citations (protobuf), assistant messages only
    citations       MEDIUMBLOB,
    created_at      DATETIME(6) NOT NULL,
    INDEX messages_by_conversation (conversation_id, id),
    CONSTRAINT messages_conversation FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
