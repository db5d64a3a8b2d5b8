package io.ret.bench.conversion;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ret convert} as a user runs it: a fresh process through the launcher {@code bin/ret},
 * JVM start included, against the Python baseline on the same corpus in the same run, on a
 * 64 MiB and a 256 MiB archive (8 files each; {@code --files 10000} makes archives of many small
 * files instead). Rows: the launcher without its start-up cache
 * ({@code RET_AOT=off}), with it (JDK 25 AOT cache, made once before the runs), and, given
 * {@code --before-jar}, an older build without the cache. Every process is timed by
 * {@code /usr/bin/time}: wall seconds, and CPU seconds (user + sys of the process and its
 * children), which a loaded machine distorts less than wall time. The order of the runs
 * rotates every repetition, and the 1-minute load average is noted at the start of each.
 *
 * <pre>
 * java -cp "bench/target/ret-bench.jar:bench/target/lib/*" io.ret.bench.conversion.FreshProcessBench \
 *      --launcher bin/ret [--work DIR] [--sizes 64,256] [--files 8] [--reps 3] [--before-jar OLD/ret-server.jar]
 * </pre>
 */
public final class FreshProcessBench {

    private static final long MB = 1024 * 1024;

    /** One measured process. */
    private record Run(double seconds, double cpuSeconds, long maxRssKb, double load) {
    }

    private FreshProcessBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Path launcher = Path.of(options.getOrDefault("--launcher", "bin/ret")).toAbsolutePath();
        Path work = Path.of(options.getOrDefault("--work", System.getProperty("java.io.tmpdir") + "/ret-fresh-bench"));
        int reps = Integer.parseInt(options.getOrDefault("--reps", "3"));
        int files = Integer.parseInt(options.getOrDefault("--files", "8"));
        String beforeJar = options.get("--before-jar");
        Files.createDirectories(work);
        Path python = work.resolve("baseline_convert.py");
        try (InputStream script = FreshProcessBench.class.getResourceAsStream("baseline_convert.py")) {
            Files.copy(script, python, StandardCopyOption.REPLACE_EXISTING);
        }
        Path aotDir = work.resolve("aot");
        clean(aotDir);
        Map<String, String> withCache = Map.of("RET_AOT_DIR", aotDir.toString());
        long cacheStart = System.nanoTime();
        exec(List.of(launcher.toString(), "aot-cache"), withCache);
        double cacheSeconds = (System.nanoTime() - cacheStart) / 1e9;

        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "%s %s, %d cores; medians of %d; start-up cache made once in %.1f s"
                + " (wall); load average at start %s%n", System.getProperty("java.vm.name"), Runtime.version(),
                Runtime.getRuntime().availableProcessors(), reps, cacheSeconds, loadAverage()));
        for (String size : options.getOrDefault("--sizes", "64,256").split(",")) {
            int mb = Integer.parseInt(size.strip());
            Path corpus = work.resolve("corpus-" + mb + (files == 8 ? "" : "x" + files));
            generate(corpus, mb, files);
            Map<String, List<String>> commands = new LinkedHashMap<>();
            Map<String, Map<String, String>> environments = new HashMap<>();
            Path out = work.resolve("out");
            commands.put("Python baseline", List.of("python3", python.toString(), corpus.toString(), out.toString()));
            environments.put("Python baseline", Map.of());
            if (beforeJar != null) {
                commands.put("ret convert, before (no cache)", List.of(launcher.toString(), "convert", corpus.toString(),
                        out.toString()));
                environments.put("ret convert, before (no cache)", Map.of("RET_AOT", "off", "RET_JAR", beforeJar));
            }
            commands.put("ret convert, no cache", List.of(launcher.toString(), "convert", corpus.toString(),
                    out.toString()));
            environments.put("ret convert, no cache", Map.of("RET_AOT", "off"));
            commands.put("ret convert, AOT cache", List.of(launcher.toString(), "convert", corpus.toString(),
                    out.toString()));
            environments.put("ret convert, AOT cache", withCache);
            List<String> names = new ArrayList<>(commands.keySet());
            Map<String, List<Run>> runs = new LinkedHashMap<>();
            names.forEach(name -> runs.put(name, new ArrayList<>()));
            for (int rep = 0; rep < reps; rep++) {
                for (int k = 0; k < names.size(); k++) {
                    String name = names.get((k + rep) % names.size());
                    clean(out);
                    Run run = timed(commands.get(name), environments.get(name));
                    System.out.printf(Locale.ROOT, "RUN size=%d run=\"%s\" seconds=%.2f cpuSeconds=%.2f maxRssKb=%d"
                            + " load=%.2f%n", mb, name, run.seconds(), run.cpuSeconds(), run.maxRssKb(), run.load());
                    runs.get(name).add(run);
                }
            }
            clean(out);
            table(report, mb, files, corpusBytes(corpus), runs);
        }
        report.append("load average at the end ").append(loadAverage()).append('\n');
        System.out.println();
        System.out.print(report);
    }

    private static void table(StringBuilder report, int mb, int files, long bytes, Map<String, List<Run>> runs) {
        double mib = bytes / (double) MB;
        Run python = medians(runs.get("Python baseline"));
        report.append(String.format(Locale.ROOT, "%n%d MiB corpus (%.1f MiB of XML in %d files)%n%n", mb, mib, files));
        report.append("| run | seconds (wall) | CPU seconds | MiB/s (wall) | × Python (wall) | × Python (CPU)"
                + " | peak RSS MiB | load (1 min) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, List<Run>> entry : runs.entrySet()) {
            Run m = medians(entry.getValue());
            report.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.1f | %.1f | %.1f | %d | %.1f |%n",
                    entry.getKey(), m.seconds(), m.cpuSeconds(), mib / m.seconds(), python.seconds() / m.seconds(),
                    python.cpuSeconds() / m.cpuSeconds(), m.maxRssKb() / 1024, m.load()));
        }
    }

    private static Run medians(List<Run> runs) {
        return new Run(median(runs.stream().map(Run::seconds).toList()),
                median(runs.stream().map(Run::cpuSeconds).toList()),
                (long) median(runs.stream().map(r -> (double) r.maxRssKb()).toList()),
                median(runs.stream().map(Run::load).toList()));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Runs {@code command} under /usr/bin/time; its last line of stderr is ours. */
    private static Run timed(List<String> command, Map<String, String> environment) throws Exception {
        double load = Double.parseDouble(loadAverage().split(" ")[0]);
        List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-f", "TIME %e %U %S %M"));
        full.addAll(command);
        String output = exec(full, environment);
        String[] time = output.lines().filter(l -> l.startsWith("TIME ")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("no time from " + command + "\n" + output)).split(" ");
        return new Run(Double.parseDouble(time[1]), Double.parseDouble(time[2]) + Double.parseDouble(time[3]),
                Long.parseLong(time[4]), load);
    }

    private static String exec(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("failed: " + command + " " + environment + "\n" + output);
        }
        return output;
    }

    private static void generate(Path dir, int totalMb, int files) throws IOException {
        Files.createDirectories(dir);
        long fileBytes = totalMb * MB / files;
        for (int i = 0; i < files; i++) {
            Path file = dir.resolve(String.format(files > 1000 ? "orders-%05d.xml" : "orders-%03d.xml", i));
            if (!Files.exists(file) || Files.size(file) < fileBytes) {
                CorpusGenerator.writeFile(file, fileBytes, 100L * totalMb + i); // deterministic: kept for later runs
            }
        }
    }

    private static long corpusBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }
}
