package io.ret.server.platform.grpc;

import io.grpc.stub.StreamObserver;

/** The one way handlers answer a unary call; errors are thrown, and the pipeline maps them. */
public final class Unary {
    private Unary() {
    }

    public static <T> void reply(StreamObserver<T> response, T message) {
        response.onNext(message);
        response.onCompleted();
    }
}
