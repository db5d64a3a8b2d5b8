package io.ret.server.platform;

import io.ret.server.platform.config.RetConfig;
import io.ret.server.platform.db.Database;
import io.ret.server.platform.events.AuditLog;
import io.ret.server.platform.events.ErrorLog;
import io.ret.server.platform.events.OpsLog;
import io.ret.server.platform.grpc.ShutdownSignal;
import io.ret.server.platform.observe.ServerMetrics;
import io.ret.server.platform.redis.Redis;

/** What every feature is built from. */
public record Platform(RetConfig config, Database db, Redis redis, AuditLog audit, OpsLog ops, ErrorLog errors,
                       ServerMetrics metrics, ShutdownSignal shutdown) {
}
