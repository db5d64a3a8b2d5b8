package io.ret.server.testing;

import java.util.Optional;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RequestInfo;
import com.google.rpc.RetryInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/** Reads the google.rpc details of a failed call. */
public final class RichErrors {
    private RichErrors() {
    }

    public static Optional<ErrorInfo> errorInfo(StatusRuntimeException e) {
        return detail(e, ErrorInfo.class);
    }

    public static String reason(StatusRuntimeException e) {
        return errorInfo(e).map(ErrorInfo::getReason).orElse("");
    }

    public static Optional<BadRequest> badRequest(StatusRuntimeException e) {
        return detail(e, BadRequest.class);
    }

    public static Optional<RetryInfo> retryInfo(StatusRuntimeException e) {
        return detail(e, RetryInfo.class);
    }

    public static Optional<RequestInfo> requestInfo(StatusRuntimeException e) {
        return detail(e, RequestInfo.class);
    }

    private static <T extends Message> Optional<T> detail(StatusRuntimeException e, Class<T> type) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null) {
            return Optional.empty();
        }
        for (Any any : status.getDetailsList()) {
            if (any.is(type)) {
                try {
                    return Optional.of(any.unpack(type));
                } catch (InvalidProtocolBufferException ex) {
                    throw new AssertionError(ex);
                }
            }
        }
        return Optional.empty();
    }
}
