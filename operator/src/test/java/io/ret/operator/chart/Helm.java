package io.ret.operator.chart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs the helm binary: {@code ret.helm} (the build sets ../shared/kube/helm), else helm on the PATH. */
final class Helm {
    record Result(int exitCode, String stdout, String stderr) {
    }

    private final String executable;

    private Helm(String executable) {
        this.executable = executable;
    }

    static Optional<Helm> find() {
        String configured = System.getProperty("ret.helm", "");
        if (!configured.isBlank() && Files.isExecutable(Path.of(configured))) {
            return Optional.of(new Helm(configured));
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "helm"))) {
                return Optional.of(new Helm(Path.of(dir, "helm").toString()));
            }
        }
        return Optional.empty();
    }

    Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(executable));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("helm", ".out");
        Path err = Files.createTempFile("helm", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) { // the first run may fetch helm itself
                process.destroyForcibly();
                throw new IOException("helm " + String.join(" ", args) + " did not finish in 5 minutes");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
