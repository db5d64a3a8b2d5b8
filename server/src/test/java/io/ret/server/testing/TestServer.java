package io.ret.server.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.ret.api.v1.AdminServiceGrpc;
import io.ret.api.v1.AuthServiceGrpc;
import io.ret.api.v1.AuthTokens;
import io.ret.api.v1.CreateUserRequest;
import io.ret.api.v1.LoginRequest;
import io.ret.api.v1.Role;
import io.ret.api.v1.User;
import io.ret.server.RetServer;
import io.ret.server.platform.Platform;
import io.ret.server.platform.config.ConfigLoader;
import io.ret.server.platform.config.RetConfig;

/**
 * A RET server for a test: the real composition, on free loopback ports, wired
 * to the shared test MariaDB and Redis (or to engines the test brings), with a
 * client channel whose every call carries a deadline.
 */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_USERNAME = "root-admin";
    public static final String ADMIN_PASSWORD = "root-admin-password-for-tests";

    private final RetServer server;
    private final RetConfig config;
    private final ManagedChannel channel;
    private final Channel deadlined;

    private TestServer(RetServer server, RetConfig config) {
        this.server = server;
        this.config = config;
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        this.deadlined = ClientInterceptors.intercept(channel, new DefaultDeadline());
    }

    public static Builder builder() {
        return new Builder();
    }

    public static TestServer start() {
        return builder().start();
    }

    public static final class Builder {
        private final Map<String, String> settings = new HashMap<>();
        private final List<Function<Platform, BindableService>> extra = new ArrayList<>();

        private Builder() {
            settings.put("ret.runtime.dir", Path.of("target", "test-runtime", UUID.randomUUID().toString()).toString());
            settings.put("ret.grpc.host", "127.0.0.1");
            settings.put("ret.grpc.port", "0");
            settings.put("ret.grpc.transport", System.getProperty("ret.test.transport", "netty"));
            settings.put("ret.grpc.shutdown.grace", "PT5S");
            settings.put("ret.observe.host", "127.0.0.1");
            settings.put("ret.observe.port", "0");
            settings.put("ret.ratelimit.calls", "1000000");
            settings.put("ret.ratelimit.methods.0.method", "ret.v1.AuthService/Login");
            settings.put("ret.ratelimit.methods.0.calls", "1000000");
            settings.put("ret.health.interval", "PT0.2S");
            // tests keep many sessions; the limit itself is tested with an admin-set lower one
            settings.put("ret.limits.default.sessions", "1000");
            settings.put("ret.bootstrap.admin.username", ADMIN_USERNAME);
            settings.put("ret.bootstrap.admin.password", ADMIN_PASSWORD);
        }

        public Builder set(String key, String value) {
            settings.put(key, value);
            return this;
        }

        public Builder transport(RetConfig.Transport transport) {
            return set("ret.grpc.transport", transport.name().toLowerCase());
        }

        public Builder database(String jdbcUrl) {
            return set("ret.db.url", jdbcUrl);
        }

        public Builder redis(String url) {
            return set("ret.redis.url", url);
        }

        public Builder service(Function<Platform, BindableService> service) {
            extra.add(service);
            return this;
        }

        /** Adds the test-only ProbeService. */
        public Builder probe() {
            return service(platform -> new ProbeService(platform.shutdown()));
        }

        public TestServer start() {
            settings.putIfAbsent("ret.db.url", TestEngines.jdbcUrl());
            settings.putIfAbsent("ret.redis.url", TestEngines.redisUrl());
            RetConfig config = RetConfig.from(ConfigLoader.load(settings, false));
            return new TestServer(RetServer.start(config,
                    platform -> extra.stream().map(factory -> factory.apply(platform)).toList()), config);
        }
    }

    public RetServer server() {
        return server;
    }

    public RetConfig config() {
        return config;
    }

    /** The client channel; every call on it gets a 20 s deadline unless it sets its own. */
    public Channel channel() {
        return deadlined;
    }

    public AuthServiceGrpc.AuthServiceBlockingStub auth() {
        return AuthServiceGrpc.newBlockingStub(deadlined);
    }

    public AdminServiceGrpc.AdminServiceBlockingStub admin(String accessToken) {
        return bearer(AdminServiceGrpc.newBlockingStub(deadlined), accessToken);
    }

    public AuthTokens login(String username, String password) {
        return auth().login(LoginRequest.newBuilder().setUsername(username).setPassword(password).build());
    }

    public String adminToken() {
        return login(ADMIN_USERNAME, ADMIN_PASSWORD).getAccessToken();
    }

    /** Creates a user through AdminService (as the bootstrap admin) and returns it. */
    public User createUser(String username, String password, Role role) {
        return admin(adminToken()).createUser(CreateUserRequest.newBuilder()
                .setUsername(username).setPassword(password).setRole(role).build());
    }

    /** A fresh user with a unique name; its password is {@link #PASSWORD}. */
    public User newUser(String prefix) {
        return createUser(uniqueName(prefix), PASSWORD, Role.ROLE_USER);
    }

    public static final String PASSWORD = "correct horse battery staple";

    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static <S extends AbstractStub<S>> S bearer(S stub, String accessToken) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + accessToken);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    public static <S extends AbstractStub<S>> S header(S stub, String name, String value) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
    }

    private static final class DefaultDeadline implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return next.newCall(method, options.getDeadline() == null ? options.withDeadlineAfter(20, TimeUnit.SECONDS) : options);
        }
    }
}
