package io.ret.server.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.ret.server.platform.config.ConfigException;
import io.ret.server.platform.config.Settings;

/** Account and token settings (keys under ret.auth, ret.limits, ret.bootstrap). */
public record AuthSettings(
        String issuer,
        String audience,
        Duration accessTokenTtl,
        Duration refreshTokenTtl,
        Optional<Path> keysFile,
        String signingKid,
        int lockoutThreshold,
        Duration lockoutDuration,
        int passwordMinLength,
        int passwordMaxLength,
        PasswordHasher.Params hashParams,
        int hashConcurrency,
        Duration resetTokenTtl,
        Account.Limits defaultLimits,
        Optional<String> bootstrapAdminUsername,
        Optional<Settings.Secret> bootstrapAdminPassword) {

    public static AuthSettings from(Settings s) {
        int min = s.integer("ret.auth.password.min", 8, 1024);
        int max = s.integer("ret.auth.password.max", 64, 4096);
        if (max < min) {
            throw new ConfigException("ret.auth.password.max", "is below ret.auth.password.min");
        }
        var params = new PasswordHasher.Params(s.integer("ret.auth.argon2.memory.kib", 19 * 1024, 4 * 1024 * 1024),
                s.integer("ret.auth.argon2.iterations", 2, 100), s.integer("ret.auth.argon2.parallelism", 1, 64));
        Optional<String> adminName = s.optionalString("ret.bootstrap.admin.username");
        Optional<Settings.Secret> adminPassword = s.secret("ret.bootstrap.admin.password");
        if (adminName.isPresent() != adminPassword.isPresent()) {
            throw new ConfigException(adminName.isPresent() ? "ret.bootstrap.admin.password" : "ret.bootstrap.admin.username",
                    "is required when the other bootstrap admin setting is given");
        }
        return new AuthSettings(
                s.string("ret.auth.jwt.issuer"),
                s.string("ret.auth.jwt.audience"),
                s.duration("ret.auth.jwt.access.ttl", Duration.ofSeconds(30)),
                s.duration("ret.auth.refresh.ttl", Duration.ofMinutes(5)),
                s.optionalString("ret.auth.jwt.keys.file").map(Path::of),
                s.optionalString("ret.auth.jwt.signing.kid").orElse(null),
                s.integer("ret.auth.lockout.threshold", 1, 1000),
                s.duration("ret.auth.lockout.duration", Duration.ofSeconds(1)),
                min, max, params,
                s.integer("ret.auth.argon2.concurrency", 1, 256),
                s.duration("ret.auth.reset.ttl", Duration.ofMinutes(1)),
                new Account.Limits(s.integer("ret.limits.default.sessions", 1, 1_000_000),
                        s.longValue("ret.limits.default.upload.mb", 1, 100_000_000) * 1024 * 1024,
                        s.integer("ret.limits.default.logins", 1, 1000)),
                adminName, adminPassword);
    }
}
