package io.ret.bench.pipeline;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.ret.probe.v1.ProbeRequest;
import io.ret.probe.v1.ProbeResponse;
import io.ret.probe.v1.ProbeServiceGrpc;
import io.ret.server.platform.config.RetConfig.Transport;
import io.ret.server.testing.ProbeService;
import io.ret.server.testing.TestServer;

/**
 * The request pipeline's cost: an authenticated unary call through every
 * interceptor (correlation id, access log, metrics, errors, drain, JWT
 * authentication with the account and session checks, Redis rate limit,
 * authorization) against the same handler on a bare grpc-java Netty server
 * (handlers on virtual threads, as in RET), same client, same concurrency,
 * same run.
 *
 * <pre>
 * java -cp "bench/target/ret-bench.jar:bench/target/lib/*" io.ret.bench.pipeline.PipelineBench \
 *      [--seconds 10] [--rounds 5] [--concurrency 1,64] [--transport netty,helidon] [--soak CALLS]
 * </pre>
 * The table goes to stderr; stdout carries the server's access log (redirect it).
 * With --soak, runs CALLS calls at the highest concurrency on each RET transport
 * and reports every failed call by status (the transport reliability check).
 */
public final class PipelineBench {
    record Result(String target, int concurrency, long calls, double seconds, long p50Nanos, long p99Nanos,
                  java.util.Map<Status.Code, Long> errors) {
        double throughput() {
            return calls / seconds;
        }
    }

    /** One RET target against the bare server, in alternating rounds so both see the same machine. */
    record Pair(List<Result> bare, List<Result> ret) {
        Result bareMedian() {
            return median(bare);
        }

        Result retMedian() {
            return median(ret);
        }

        double medianRatio() {
            double[] ratios = new double[ret.size()];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = ret.get(i).throughput() / bare.get(i).throughput();
            }
            Arrays.sort(ratios);
            return ratios[ratios.length / 2];
        }

        private static Result median(List<Result> rounds) {
            return rounds.stream().sorted(java.util.Comparator.comparingDouble(Result::throughput)).toList()
                    .get(rounds.size() / 2);
        }
    }

    public static void main(String[] args) throws Exception {
        // the access log is part of the cost measured: configure it as the server does (stdout, buffered)
        io.ret.server.platform.logging.Logging.configure();
        int seconds = 10;
        int rounds = 5;
        int[] concurrencies = {1, 64};
        List<Transport> transports = List.of(Transport.NETTY, Transport.HELIDON);
        long soak = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrencies = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--transport" -> transports = Arrays.stream(args[++i].split(","))
                        .map(t -> Transport.valueOf(t.toUpperCase(Locale.ROOT))).toList();
                case "--soak" -> soak = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ProbeRequest request = ProbeRequest.newBuilder().setText("ping").build();
        List<Result> soaks = new ArrayList<>();
        List<Pair> pairs = new ArrayList<>();

        // the bare server runs handlers on virtual threads as RET's Netty transport does, so the
        // difference measured is the interceptors, not the executor
        var bareHandlers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        Server bare = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .executor(bareHandlers)
                .addService(new ProbeService(null))
                .build().start();
        for (Transport transport : transports) {
            try (TestServer ret = TestServer.builder().transport(transport).probe()
                    .set("ret.ratelimit.calls", "1000000000")
                    .start()) {
                var user = ret.newUser("bench");
                String token = ret.login(user.getUsername(), TestServer.PASSWORD).getAccessToken();
                if (soak > 0) {
                    int top = Arrays.stream(concurrencies).max().orElse(64);
                    soaks.add(soak(ret, token, request, top, soak));
                    continue;
                }
                String target = "RET pipeline (" + transport.name().toLowerCase(Locale.ROOT) + ")";
                for (int concurrency : concurrencies) {
                    Pair pair = new Pair(new ArrayList<>(), new ArrayList<>());
                    for (int round = 0; round < rounds; round++) {
                        boolean warmUp = round == 0;
                        pair.bare().add(run("bare grpc-java (netty)", channel(bare.getPort()), null, request,
                                concurrency, seconds, warmUp));
                        pair.ret().add(run(target, channel(ret.server().grpcPort()), token, request, concurrency,
                                seconds, warmUp));
                    }
                    pairs.add(pair);
                }
            }
        }
        bare.shutdownNow();
        bareHandlers.shutdownNow();
        if (soak > 0) {
            printSoak(soaks);
        } else {
            print(pairs, rounds, seconds);
        }
        System.exit(0);
    }

    private static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    private static Result soak(TestServer ret, String token, ProbeRequest request, int concurrency, long calls)
            throws InterruptedException {
        ManagedChannel channel = channel(ret.server().grpcPort());
        var stub = TestServer.bearer(ProbeServiceGrpc.newFutureStub(channel), token);
        String target = "RET pipeline (" + ret.config().grpc().transport().name().toLowerCase(Locale.ROOT) + ")";
        Result result = drive(target, stub, request, concurrency, Long.MAX_VALUE, calls);
        channel.shutdownNow();
        return result;
    }

    private static Result run(String target, ManagedChannel channel, String token, ProbeRequest request,
                              int concurrency, int seconds, boolean warmUp) throws InterruptedException {
        var stub = ProbeServiceGrpc.newFutureStub(channel);
        if (token != null) {
            stub = TestServer.bearer(stub, token);
        }
        if (warmUp) {
            drive(target, stub, request, concurrency, TimeUnit.SECONDS.toNanos(Math.max(2, seconds / 2)), Long.MAX_VALUE);
        }
        Result result = drive(target, stub, request, concurrency, TimeUnit.SECONDS.toNanos(seconds), Long.MAX_VALUE);
        channel.shutdownNow();
        return result;
    }

    /** Keeps {@code concurrency} calls in flight until the time or call budget is spent. */
    private static Result drive(String target, ProbeServiceGrpc.ProbeServiceFutureStub stub, ProbeRequest request,
                                int concurrency, long nanos, long maxCalls) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicLong done = new AtomicLong();
        long[] samples = new long[4_000_000];
        AtomicLong sampleCount = new AtomicLong();
        var errors = new ConcurrentHashMap<Status.Code, Long>();
        long start = System.nanoTime();
        long end = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : start + nanos;
        long issued = 0;
        while (System.nanoTime() < end && issued < maxCalls) {
            inFlight.acquire();
            issued++;
            long sent = System.nanoTime();
            Futures.addCallback(stub.withDeadlineAfter(10, TimeUnit.SECONDS).echo(request), new FutureCallback<ProbeResponse>() {
                @Override
                public void onSuccess(ProbeResponse response) {
                    finish();
                }

                @Override
                public void onFailure(Throwable t) {
                    errors.merge(Status.fromThrowable(t).getCode(), 1L, Long::sum);
                    finish();
                }

                private void finish() {
                    long index = sampleCount.getAndIncrement();
                    if (index < samples.length) {
                        samples[(int) index] = System.nanoTime() - sent;
                    }
                    done.incrementAndGet();
                    inFlight.release();
                }
            }, MoreExecutors.directExecutor());
        }
        inFlight.acquire(concurrency);
        double elapsed = (System.nanoTime() - start) / 1e9;
        int n = (int) Math.min(sampleCount.get(), samples.length);
        long[] sorted = Arrays.copyOf(samples, n);
        Arrays.sort(sorted);
        return new Result(target, concurrency, done.get(), elapsed, sorted[n / 2], sorted[(int) (n * 0.99)], errors);
    }

    private static void printSoak(List<Result> results) {
        var out = System.err;
        machine(out);
        out.println("| target | in flight | calls | calls/s | p50 ms | p99 ms | failed calls |");
        out.println("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        for (Result r : results) {
            out.printf(Locale.ROOT, "| %s | %d | %,d | %,.0f | %.3f | %.3f | %s |%n", r.target(), r.concurrency(),
                    r.calls(), r.throughput(), r.p50Nanos() / 1e6, r.p99Nanos() / 1e6,
                    r.errors().isEmpty() ? "none" : r.errors().toString());
        }
    }

    /** Per target and concurrency: the median round (by throughput) of each side, and the median per-round ratio. */
    private static void print(List<Pair> pairs, int rounds, int seconds) {
        var out = System.err;
        machine(out);
        out.printf("%d alternating rounds of %d s per side (after one warm-up each); the median round is shown%n",
                rounds, seconds);
        out.println("| target | in flight | calls/s | p50 ms | p99 ms | RET / bare (median of rounds) | failed calls |");
        out.println("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        for (Pair pair : pairs) {
            for (Result r : List.of(pair.bareMedian(), pair.retMedian())) {
                boolean isRet = r == pair.retMedian();
                long failed = java.util.stream.Stream.concat(pair.bare().stream(), pair.ret().stream())
                        .filter(x -> x.target().equals(r.target()))
                        .mapToLong(x -> x.errors().values().stream().mapToLong(Long::longValue).sum()).sum();
                out.printf(Locale.ROOT, "| %s | %d | %,.0f | %.3f | %.3f | %s | %s |%n", r.target(), r.concurrency(),
                        r.throughput(), r.p50Nanos() / 1e6, r.p99Nanos() / 1e6,
                        isRet ? String.format(Locale.ROOT, "%.0f%%", 100 * pair.medianRatio()) : "",
                        failed == 0 ? "none" : Long.toString(failed));
            }
        }
        out.println("per-round RET / bare throughput:");
        for (Pair pair : pairs) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < pair.ret().size(); i++) {
                line.append(String.format(Locale.ROOT, " %.0f%%", 100 * pair.ret().get(i).throughput()
                        / pair.bare().get(i).throughput()));
            }
            out.printf("  %s at %d in flight:%s%n", pair.ret().getFirst().target(), pair.ret().getFirst().concurrency(), line);
        }
    }

    private static void machine(java.io.PrintStream out) {
        out.printf("%nmachine: %d cores, %s %s, load average at the end %.2f%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
