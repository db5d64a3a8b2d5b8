package io.ret.server.platform.redis;

import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;

/**
 * A Redis pub/sub subscription on a virtual thread of its own, with its own
 * connection (a subscribed connection can do nothing else). It resubscribes
 * after a lost connection; {@code onSubscribed} runs on each (re)subscription,
 * since messages sent while disconnected are gone.
 */
public final class Subscription implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Subscription.class.getName());

    private final Redis redis;
    private final byte[] channel;
    private final Consumer<byte[]> onMessage;
    private final Runnable onSubscribed;
    private final Thread subscriber;
    private volatile BinaryJedisPubSub pubSub;
    private volatile boolean closed;

    private Subscription(Redis redis, byte[] channel, Consumer<byte[]> onMessage, Runnable onSubscribed, String name) {
        this.redis = redis;
        this.channel = channel;
        this.onMessage = onMessage;
        this.onSubscribed = onSubscribed;
        this.subscriber = Thread.ofVirtual().name(name).start(this::subscribeLoop);
    }

    public static Subscription start(Redis redis, byte[] channel, Consumer<byte[]> onMessage, Runnable onSubscribed,
                                     String threadName) {
        return new Subscription(redis, channel, onMessage, onSubscribed, threadName);
    }

    private void subscribeLoop() {
        while (!closed) {
            try (Jedis jedis = new Jedis(redis.address(), redis.clientConfig())) {
                BinaryJedisPubSub listener = new BinaryJedisPubSub() {
                    @Override
                    public void onMessage(byte[] ignored, byte[] message) {
                        try {
                            onMessage.accept(message);
                        } catch (RuntimeException e) {
                            LOG.log(Level.FINE, "message dropped: " + e.getMessage());
                        }
                    }

                    @Override
                    public void onSubscribe(byte[] ignored, int subscribedChannels) {
                        onSubscribed.run();
                    }
                };
                pubSub = listener;
                jedis.subscribe(listener, channel);
            } catch (RuntimeException e) {
                if (!closed) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        BinaryJedisPubSub listener = pubSub;
        if (listener != null && listener.isSubscribed()) {
            try {
                listener.unsubscribe();
            } catch (RuntimeException ignored) {
                // connection already gone
            }
        }
        subscriber.interrupt();
    }
}
