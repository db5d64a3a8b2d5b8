package io.ret.server.session;

import java.nio.file.Path;

import io.ret.server.platform.config.RetConfig;
import io.ret.server.platform.config.Settings;
import io.ret.server.session.archive.ArchiveLimits;

/** Where session files live, the limits every archive is held to, and what a job may write. */
public record SessionSettings(Path dir, ArchiveLimits limits, OutputBudget outputBudget) {
    public static SessionSettings from(RetConfig config) {
        Settings s = config.settings();
        Path dir = s.optionalString("ret.sessions.dir").map(Path::of).orElse(config.runtimeDir().resolve("sessions"));
        long mib = 1024L * 1024;
        return new SessionSettings(dir, new ArchiveLimits(
                s.integer("ret.archive.max.entries", 1, 1_000_000),
                s.longValue("ret.archive.max.entry.mb", 1, 10_000_000) * mib,
                s.longValue("ret.archive.max.total.mb", 1, 100_000_000) * mib,
                s.integer("ret.archive.max.ratio", 2, 100_000)),
                new OutputBudget(s.longValue("ret.output.max.job.mb", 1, 100_000_000) * mib,
                        s.longValue("ret.output.max.user.mb", 1, 1_000_000_000) * mib,
                        s.longValue("ret.output.disk.floor.mb", 0, 100_000_000) * mib));
    }
}
