package io.ret.server.rag;

import java.util.regex.Pattern;

/**
 * Whose data a store operation may touch: one owner's chunks in one collection.
 * Every read and delete takes a scope, and the stores apply it inside the query.
 * Both values are restricted to a plain identifier alphabet so they can be put
 * into a Milvus filter expression without any quoting games.
 */
public record Scope(String ownerId, String collection) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:@-]{1,128}");
    private static final Pattern COLLECTION = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");

    public Scope {
        requireId("ownerId", ownerId);
        requireCollection(collection);
    }

    public static String requireId(String what, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1-128 characters of [A-Za-z0-9_.:@-]");
        }
        return value;
    }

    public static String requireCollection(String collection) {
        if (collection == null || !COLLECTION.matcher(collection).matches()) {
            throw new IllegalArgumentException("collection must match [A-Za-z][A-Za-z0-9_]{0,62}");
        }
        return collection;
    }
}
