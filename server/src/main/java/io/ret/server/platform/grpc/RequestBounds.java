package io.ret.server.platform.grpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.ret.server.platform.error.ApiException;

/**
 * The bounds every request field is held to at the edge, before a handler runs (the table is
 * in docs/security.md). Every field of every request, nested messages included, is checked
 * by its type: strings and lists have a length limit (a default, tighter for named fields),
 * bytes at most {@link #MAX_BYTES}, enum values must be ones the proto defines (an unknown
 * number is refused, not passed on as UNRECOGNIZED), floating-point numbers must be finite.
 * Handlers still check what only they can (formats, ranges, existence).
 */
final class RequestBounds {

    /** Characters (UTF-16 units) in a string field without a bound of its own. */
    static final int MAX_STRING = 4096;
    /** Items in a repeated field without a bound of its own. */
    static final int MAX_LIST = 1000;
    /** Bytes in a bytes field (upload chunks are at most 1 MiB). */
    static final int MAX_BYTES = 1024 * 1024;
    /** Nesting depth of messages. */
    static final int MAX_DEPTH = 16;

    private record Bound(int maxItems, int maxChars) {
    }

    /** Fields with bounds of their own, by full field name (message.field). */
    private static final Map<String, Bound> FIELDS = Map.of(
            "ret.v1.ComparisonOptions.key_columns", new Bound(32, 256),
            "ret.v1.ComparisonOptions.ignore_columns", new Bound(128, 256));

    /** Reported at most this many at once. */
    private static final int MAX_VIOLATIONS = 10;

    private RequestBounds() {
    }

    /** The refusal for a request outside its bounds, or null when it is within them. */
    static ApiException check(Object request) {
        if (!(request instanceof Message message)) {
            return null;
        }
        List<ApiException.Violation> violations = new ArrayList<>();
        walk(message, "", 0, violations);
        return violations.isEmpty() ? null : ApiException.invalid(violations);
    }

    private static void walk(Message message, String path, int depth, List<ApiException.Violation> violations) {
        if (depth > MAX_DEPTH) {
            violations.add(new ApiException.Violation(path, "nests more than " + MAX_DEPTH + " messages deep"));
            return;
        }
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            if (violations.size() >= MAX_VIOLATIONS) {
                return;
            }
            FieldDescriptor descriptor = field.getKey();
            String name = path.isEmpty() ? descriptor.getName() : path + "." + descriptor.getName();
            Bound bound = FIELDS.getOrDefault(descriptor.getFullName(), new Bound(MAX_LIST, MAX_STRING));
            if (descriptor.isRepeated()) {
                List<?> items = (List<?>) field.getValue();
                if (items.size() > bound.maxItems()) {
                    violations.add(new ApiException.Violation(name, "has " + items.size() + " items; at most "
                            + bound.maxItems() + " are allowed"));
                    continue;
                }
                for (int i = 0; i < items.size() && violations.size() < MAX_VIOLATIONS; i++) {
                    value(descriptor, items.get(i), name + "[" + i + "]", bound, depth, violations);
                }
            } else {
                value(descriptor, field.getValue(), name, bound, depth, violations);
            }
        }
    }

    private static void value(FieldDescriptor descriptor, Object value, String name, Bound bound, int depth,
                              List<ApiException.Violation> violations) {
        switch (value) {
            case String text when text.length() > bound.maxChars() -> violations.add(new ApiException.Violation(name,
                    "is " + text.length() + " characters long; at most " + bound.maxChars() + " are allowed"));
            case ByteString bytes when bytes.size() > MAX_BYTES -> violations.add(new ApiException.Violation(name,
                    "is " + bytes.size() + " bytes long; at most " + MAX_BYTES + " are allowed"));
            case Double number when !Double.isFinite(number) -> violations.add(new ApiException.Violation(name,
                    "must be a finite number, not " + number));
            case Float number when !Float.isFinite(number) -> violations.add(new ApiException.Violation(name,
                    "must be a finite number, not " + number));
            case EnumValueDescriptor enumValue when enumValue.getType().findValueByNumber(enumValue.getNumber()) == null ->
                    violations.add(new ApiException.Violation(name, enumValue.getNumber() + " is not a value of "
                            + enumValue.getType().getFullName()));
            case Message nested -> walk(nested, name, depth + 1, violations);
            default -> {
                // within bounds
            }
        }
    }
}
