package io.ret.server.platform;

import java.time.Duration;

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

    /**
     * The one way the server and a worker pod build the platform on open engines: the schema is
     * migrated first (waiting up to a minute for another instance's migration), then the logs,
     * metrics and shutdown signal are made.
     */
    public static Platform open(RetConfig config, Engines engines) {
        engines.db().migrate(Duration.ofSeconds(60));
        return new Platform(config, engines.db(), engines.redis(), new AuditLog(engines.db()), new OpsLog(engines.db()),
                new ErrorLog(engines.db()), new ServerMetrics(), new ShutdownSignal());
    }
}
