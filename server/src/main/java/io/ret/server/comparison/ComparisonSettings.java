package io.ret.server.comparison;

import java.nio.file.Path;

import io.ret.server.platform.config.RetConfig;

/**
 * @param memoryBudgetBytes memory a comparison's row index may use before both sides spill to disk
 * @param workDir           where spills go (one directory per job, removed when it ends)
 */
public record ComparisonSettings(long memoryBudgetBytes, Path workDir) {
    public static ComparisonSettings from(RetConfig config) {
        return new ComparisonSettings(config.settings().longValue("ret.comparison.memory.mb", 16, 1_000_000) * 1024 * 1024,
                config.runtimeDir().resolve("tmp").resolve("comparisons"));
    }
}
