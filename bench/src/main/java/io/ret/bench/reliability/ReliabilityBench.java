package io.ret.bench.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.ret.api.v1.AuthServiceGrpc;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.JobServiceGrpc;
import io.ret.api.v1.LoginRequest;
import io.ret.api.v1.WatchJobRequest;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.server.RetServer;
import io.ret.server.platform.config.ConfigLoader;
import io.ret.server.platform.config.RetConfig;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;

/**
 * Sustained unary and streaming load on a server running on its embedded engines, while
 * the embedded MariaDB and then the embedded redis-server are killed with SIGKILL; the
 * server restores each itself (issue 14, point 2). Reports calls served, errors by status,
 * recovery time (kill to the last failed call) and memory before and after.
 *
 * <p>Unary load: {@code AuthService/WhoAmI} (token, account and session checks: database
 * and Redis). Streaming load: {@code JobService/WatchJob} on a finished conversion (the
 * current state, then the end). Rate limiting is off: this measures reliability, not limits.
 *
 * <p>Options: --phase-seconds N (each of: baseline, after the MariaDB kill, after the Redis
 * kill; default 60), --unary N and --streams N (client threads; default 16 and 8).
 */
public final class ReliabilityBench {

    private record Phase(String name, long startNanos) {
    }

    private static final Map<String, Map<String, LongAdder>> OUTCOMES = new ConcurrentHashMap<>();
    private static final AtomicLong LAST_FAILURE = new AtomicLong();
    private static volatile String phase = "warm-up";

    public static void main(String[] args) throws Exception {
        int phaseSeconds = option(args, "--phase-seconds", 60);
        int unaryThreads = option(args, "--unary", 16);
        int streamThreads = option(args, "--streams", 8);
        Path runtime = Path.of("target", "reliability-" + UUID.randomUUID()).toAbsolutePath();
        RetConfig config = RetConfig.from(ConfigLoader.load(Map.of(
                "ret.runtime.dir", runtime.toString(),
                "ret.grpc.host", "127.0.0.1", "ret.grpc.port", "0",
                "ret.observe.host", "127.0.0.1", "ret.observe.port", "0",
                "ret.ratelimit.enabled", "false",
                "ret.health.interval", "PT0.5S"), false));
        long started = System.nanoTime();
        try (RetServer server = RetServer.start(config)) {
            System.err.printf("server up on its embedded engines in %.1f s%n", (System.nanoTime() - started) / 1e9);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
            String password = Files.readAllLines(runtime.resolve("bootstrap-admin.txt")).stream()
                    .filter(l -> l.startsWith("password: ")).findFirst().orElseThrow().substring(10);
            String token = AuthServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .login(LoginRequest.newBuilder().setUsername("admin").setPassword(password).build()).getAccessToken();
            SessionClient client = new SessionClient(channel, token);
            String sessionId = client.upload("orders.zip", ZipBytes.zip(Map.of("orders.xml",
                    "<orders><order id=\"1\"><total>9.5</total></order></orders>"))).getId();
            String jobId = client.await(client.startConversion(sessionId, ConversionOptions.getDefaultInstance()).getId()).getId();

            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> load = new ArrayList<>();
            for (int i = 0; i < unaryThreads; i++) {
                load.add(Thread.ofVirtual().start(() -> loop(running, "unary", () -> TestServer.bearer(
                        AuthServiceGrpc.newBlockingStub(channel), token).withDeadlineAfter(2, TimeUnit.SECONDS)
                        .whoAmI(WhoAmIRequest.getDefaultInstance()))));
            }
            for (int i = 0; i < streamThreads; i++) {
                load.add(Thread.ofVirtual().start(() -> loop(running, "stream", () -> TestServer.bearer(
                        JobServiceGrpc.newBlockingStub(channel), token).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build()).forEachRemaining(job -> { }))));
            }
            Thread.sleep(10_000);
            String memoryBefore = memory();
            List<String> rows = new ArrayList<>();
            rows.add(run("baseline", phaseSeconds, null));
            rows.add(run("MariaDB killed", phaseSeconds, runtime.resolve("mariadb").resolve("mariadbd.pid")));
            rows.add(run("redis-server killed", phaseSeconds, runtime.resolve("redis").resolve("redis-server.pid")));
            running.set(false);
            for (Thread t : load) {
                t.join();
            }
            String memoryAfter = memory();
            System.err.println();
            System.err.println("| phase | seconds | unary OK | stream OK | errors by status | recovery s |");
            System.err.println("| --- | ---: | ---: | ---: | --- | ---: |");
            rows.forEach(System.err::println);
            System.err.println();
            System.err.println("memory before: " + memoryBefore);
            System.err.println("memory after:  " + memoryAfter);
            System.err.printf("load average at the end: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private interface Call {
        void run();
    }

    private static void loop(AtomicBoolean running, String kind, Call call) {
        while (running.get()) {
            String outcome;
            try {
                call.run();
                outcome = "OK";
            } catch (StatusRuntimeException e) {
                outcome = e.getStatus().getCode().name();
                LAST_FAILURE.set(System.nanoTime());
            } catch (RuntimeException e) {
                outcome = e.getClass().getSimpleName();
                LAST_FAILURE.set(System.nanoTime());
            }
            OUTCOMES.computeIfAbsent(phase + "|" + kind, k -> new ConcurrentHashMap<>())
                    .computeIfAbsent(outcome, k -> new LongAdder()).increment();
            if (!outcome.equals("OK")) {
                try {
                    Thread.sleep(50); // a failing dependency is not hammered by a tight loop
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** One phase: optionally kills the engine of a pid file at its start; the row of the table. */
    private static String run(String name, int seconds, Path pidFile) throws Exception {
        phase = name;
        long start = System.nanoTime();
        LAST_FAILURE.set(0);
        if (pidFile != null) {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            System.err.printf("%s: killed pid %d%n", name, pid);
        }
        Thread.sleep(Duration.ofSeconds(seconds));
        long last = LAST_FAILURE.get();
        String recovery = pidFile == null ? "" : last == 0 ? "0 (no failed call)" : String.format("%.1f", (last - start) / 1e9);
        Map<String, Long> errors = new TreeMap<>();
        long unaryOk = 0;
        long streamOk = 0;
        for (var entry : OUTCOMES.entrySet()) {
            if (!entry.getKey().startsWith(name + "|")) {
                continue;
            }
            boolean unary = entry.getKey().endsWith("|unary");
            for (var outcome : entry.getValue().entrySet()) {
                long n = outcome.getValue().sum();
                if (outcome.getKey().equals("OK")) {
                    if (unary) {
                        unaryOk += n;
                    } else {
                        streamOk += n;
                    }
                } else {
                    errors.merge((unary ? "unary " : "stream ") + outcome.getKey(), n, Long::sum);
                }
            }
        }
        String row = String.format("| %s | %d | %,d | %,d | %s | %s |", name, seconds, unaryOk, streamOk,
                errors.isEmpty() ? "none" : errors.toString().replaceAll("[{}]", ""), recovery);
        System.err.println(row);
        return row;
    }

    private static String memory() throws Exception {
        System.gc();
        Thread.sleep(500);
        Runtime rt = Runtime.getRuntime();
        long heap = (rt.totalMemory() - rt.freeMemory()) >> 20;
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
        return "heap after GC " + heap + " MiB, " + rss + ", threads " + Thread.activeCount();
    }

    private static int option(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
