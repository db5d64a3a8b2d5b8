package io.ret.server.platform.redis;

import java.net.URI;
import java.time.Duration;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.executors.DefaultCommandExecutor;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Redis connection: a pooled client for commands, and the settings to open
 * dedicated connections for subscriptions (a subscriber holds its connection).
 */
public final class Redis implements AutoCloseable {
    private final HostAndPort address;
    private final JedisClientConfig clientConfig;
    private final UnifiedJedis client;

    private Redis(HostAndPort address, JedisClientConfig clientConfig) {
        this.address = address;
        this.clientConfig = clientConfig;
        // a pooled client as JedisPooled builds it, with a span per command
        var pool = new PooledConnectionProvider(address, clientConfig);
        this.client = new UnifiedJedis(new TracedCommandExecutor(new DefaultCommandExecutor(pool)), pool,
                new CommandObjects());
    }

    /** redis://[[user]:password@]host[:port][/db], rediss:// for TLS. */
    public static Redis open(String url, Duration timeout) {
        URI uri = URI.create(url);
        var config = DefaultJedisClientConfig.builder()
                .timeoutMillis((int) timeout.toMillis())
                .ssl("rediss".equalsIgnoreCase(uri.getScheme()))
                .clientName("ret");
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? null : decode(userInfo.substring(0, colon));
            String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
            if (user != null && !user.isEmpty()) {
                config.user(user);
            }
            config.password(password);
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            config.database(Integer.parseInt(path.substring(1)));
        }
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        return new Redis(new HostAndPort(uri.getHost(), port), config.build());
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    public UnifiedJedis client() {
        return client;
    }

    public HostAndPort address() {
        return address;
    }

    public JedisClientConfig clientConfig() {
        return clientConfig;
    }

    public boolean isReachable() {
        try {
            return "PONG".equals(client.ping());
        } catch (JedisException e) {
            return false;
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
