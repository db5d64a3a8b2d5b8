package io.ret.server.platform.grpc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.ret.api.v1.Access;
import io.ret.api.v1.AccessProto;

/**
 * The {@code (ret.v1.access)} option of every registered method, read once
 * from the proto descriptors. A method without one maps to UNSPECIFIED, which
 * the authorization stage refuses.
 */
public final class MethodPolicies {
    private final Map<String, Access> byMethod;

    private MethodPolicies(Map<String, Access> byMethod) {
        this.byMethod = Map.copyOf(byMethod);
    }

    public static MethodPolicies of(List<ServerServiceDefinition> services) {
        Map<String, Access> policies = new HashMap<>();
        for (ServerServiceDefinition service : services) {
            for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
                MethodDescriptor<?, ?> descriptor = method.getMethodDescriptor();
                policies.put(descriptor.getFullMethodName(), declared(descriptor));
            }
        }
        return new MethodPolicies(policies);
    }

    private static Access declared(MethodDescriptor<?, ?> descriptor) {
        if (descriptor.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier supplier) {
            var options = supplier.getMethodDescriptor().getOptions();
            if (options.hasExtension(AccessProto.access)) {
                return options.getExtension(AccessProto.access);
            }
        }
        return Access.ACCESS_UNSPECIFIED;
    }

    public Access of(String fullMethodName) {
        return byMethod.getOrDefault(fullMethodName, Access.ACCESS_UNSPECIFIED);
    }
}
