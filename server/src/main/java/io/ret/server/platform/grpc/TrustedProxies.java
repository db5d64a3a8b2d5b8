package io.ret.server.platform.grpc;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import com.google.common.net.InetAddresses;
import io.ret.server.platform.config.ConfigException;

/**
 * The proxies (CIDR ranges) whose {@code x-forwarded-for} is believed. A call
 * from any other peer is that peer, whatever it forwards. From a trusted proxy
 * the client is the right-most forwarded address that is not itself a trusted
 * proxy (entries to its left were written by the client and prove nothing).
 */
public final class TrustedProxies {
    private record Cidr(byte[] network, int bits) {
        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Cidr> ranges;

    private TrustedProxies(List<Cidr> ranges) {
        this.ranges = ranges;
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /** Comma-separated CIDRs ("10.0.0.0/8, fd00::/8"; a bare address is one host). */
    public static TrustedProxies parse(String key, String list) {
        List<Cidr> ranges = new ArrayList<>();
        for (String raw : list.split(",")) {
            String item = raw.strip();
            if (item.isEmpty()) {
                continue;
            }
            int slash = item.indexOf('/');
            String host = slash < 0 ? item : item.substring(0, slash);
            if (!InetAddresses.isInetAddress(host)) {
                throw new ConfigException(key, "'" + item + "' is not an IP address or CIDR range");
            }
            byte[] network = InetAddresses.forString(host).getAddress();
            int bits;
            try {
                bits = slash < 0 ? network.length * 8 : Integer.parseInt(item.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > network.length * 8) {
                throw new ConfigException(key, "'" + item + "' has no valid prefix length");
            }
            ranges.add(new Cidr(network, bits));
        }
        return new TrustedProxies(List.copyOf(ranges));
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /**
     * The client's address.
     *
     * @param peer      the address the connection comes from
     * @param forwarded every {@code x-forwarded-for} value in order (may be empty)
     */
    public String clientAddress(String peer, Iterable<String> forwarded) {
        if (ranges.isEmpty() || forwarded == null || !trusted(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwarded) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (!InetAddresses.isInetAddress(hop)) {
                break; // junk written by the client: the last trusted hop is all we know
            }
            client = InetAddresses.toAddrString(InetAddresses.forString(hop));
            if (!trusted(client)) {
                break;
            }
        }
        return client;
    }

    private boolean trusted(String address) {
        if (address == null || !InetAddresses.isInetAddress(address)) {
            return false;
        }
        InetAddress parsed = InetAddresses.forString(address);
        return ranges.stream().anyMatch(range -> range.contains(parsed));
    }
}
