package io.ret.server.platform.api;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list ordered by descending time-ordered id, and the token for
 * the next. Fetches one item more than the page size to know if there is a next page.
 */
public record Page<T>(List<T> items, String nextPageToken) {

    @FunctionalInterface
    public interface Fetch<T> {
        /** Items with ids below {@code beforeId}, newest first, at most {@code limit}. */
        List<T> fetch(String beforeId, int limit);
    }

    /** Greater than every id (ids are lowercase hex UUIDs), so the first page starts at the newest. */
    private static final String FIRST = "~";

    public static <T> Page<T> of(int requestedSize, String pageToken, Fetch<T> fetch, Function<T, String> idOf) {
        int size = PageToken.pageSize(requestedSize);
        String position = PageToken.decode(pageToken);
        List<T> rows = fetch.fetch(position == null ? FIRST : position, size + 1);
        if (rows.size() <= size) {
            return new Page<>(rows, "");
        }
        List<T> items = rows.subList(0, size);
        return new Page<>(items, PageToken.encode(idOf.apply(items.getLast())));
    }

    /** The same for numeric ids (event logs). */
    public static <T> Page<T> ofLong(int requestedSize, String pageToken, LongFetch<T> fetch, Function<T, Long> idOf) {
        int size = PageToken.pageSize(requestedSize);
        List<T> rows = fetch.fetch(PageToken.decodeLong(pageToken), size + 1);
        if (rows.size() <= size) {
            return new Page<>(rows, "");
        }
        List<T> items = rows.subList(0, size);
        return new Page<>(items, PageToken.encode(Long.toString(idOf.apply(items.getLast()))));
    }

    @FunctionalInterface
    public interface LongFetch<T> {
        List<T> fetch(long beforeId, int limit);
    }
}
