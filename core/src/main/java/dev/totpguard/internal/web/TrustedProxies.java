package dev.totpguard.internal.web;

import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TotpGuardSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The reverse proxies whose {@code Forwarded} (RFC 7239) and {@code X-Forwarded-For}/{@code X-Forwarded-Proto}
 * headers are believed ({@link TotpGuardSettings#TRUSTED_PROXIES}): the client address that the per-address limits
 * count, and whether the client's connection to the proxy was HTTPS.
 *
 * <p>Headers are believed only when the direct peer is listed; anyone else can write them, so from an unlisted peer
 * they are ignored and the peer is the client. From a listed peer, the hops are read from right to left (each proxy
 * appends the address it saw) and the client is the right-most hop that is not itself a listed proxy: whatever a
 * client wrote into the header before the first trusted proxy is to the left of that hop and never reached. A hop
 * that is not an IP address (RFC 7239's {@code unknown} or an obfuscated name) ends the walk at the proxy that
 * reported it. Entries are IP addresses or CIDR ranges, never host names (no DNS look-up happens here).
 *
 * <p>Immutable and thread-safe.
 */
public final class TrustedProxies {

    /** The client as the trusted proxies report it: its address and whether it reached the first proxy over HTTPS. */
    public record Client(String address, boolean secure) {
        public Client {
            Objects.requireNonNull(address, "address");
        }
    }

    private static final TrustedProxies NONE = new TrustedProxies(List.of());
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final int MAX_HOPS = 32;

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** No trusted proxy: forwarding headers are never believed (the default). */
    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * Parses a comma-separated list of IP addresses and CIDR ranges ({@code 10.0.0.0/8, 2001:db8::/32, 127.0.0.1}).
     *
     * @throws IllegalArgumentException naming the entry that is not an IP address or range
     */
    public static TrustedProxies parse(String list) {
        Objects.requireNonNull(list, "list");
        List<Range> ranges = new ArrayList<>();
        for (String entry : list.split(",")) {
            String trimmed = entry.strip();
            if (!trimmed.isEmpty()) {
                ranges.add(Range.parse(trimmed));
            }
        }
        return ranges.isEmpty() ? NONE : new TrustedProxies(ranges);
    }

    /**
     * The proxies of {@value TotpGuardSettings#TRUSTED_PROXIES}; none when unset.
     *
     * @throws IllegalArgumentException naming the key, the value and the expected form when an entry is malformed
     */
    public static TrustedProxies fromSettings(Settings settings) {
        return settings.parsed(TotpGuardSettings.TRUSTED_PROXIES, "comma-separated IP addresses or CIDR ranges such as"
                + " 10.0.0.0/8, 2001:db8::/32", TrustedProxies::parse).orElse(NONE);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether {@code address} (an IP literal) is one of the trusted proxies; anything else is not. */
    public boolean contains(String address) {
        byte[] bytes = address == null ? null : Range.bytes(address.strip());
        if (bytes == null) {
            return false;
        }
        for (Range range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client behind the direct peer, reading the headers through {@code headers} (name to its values in order,
     * for example {@code name -> Collections.list(request.getHeaders(name))} for a servlet request).
     */
    public Client resolve(String peer, boolean peerSecure, Function<String, List<String>> headers) {
        if (!contains(peer)) {
            // Not one of ours: the headers are whatever the client wrote, and are not even read.
            return new Client(peer, peerSecure);
        }
        return resolve(peer, peerSecure, headers.apply("Forwarded"), headers.apply("X-Forwarded-For"),
                headers.apply("X-Forwarded-Proto"));
    }

    /**
     * The client behind the direct peer.
     *
     * @param peer the address of the connection's other end ({@code getRemoteAddr()})
     * @param peerSecure whether that connection is HTTPS ({@code isSecure()})
     * @param forwarded the values of the {@code Forwarded} headers in order (believed first when present)
     * @param xForwardedFor the values of the {@code X-Forwarded-For} headers in order
     * @param xForwardedProto the values of the {@code X-Forwarded-Proto} headers in order
     */
    Client resolve(String peer, boolean peerSecure, List<String> forwarded, List<String> xForwardedFor,
            List<String> xForwardedProto) {
        Objects.requireNonNull(peer, "peer");
        if (!contains(peer)) {
            return new Client(peer, peerSecure);
        }
        List<String> hops = new ArrayList<>();
        String proto = null;
        if (!forwarded.isEmpty()) {
            for (String header : forwarded) {
                for (String element : header.split(",")) {
                    for (String pair : element.split(";")) {
                        int equals = pair.indexOf('=');
                        if (equals < 0) {
                            continue;
                        }
                        String name = pair.substring(0, equals).strip().toLowerCase(Locale.ROOT);
                        String value = unquote(pair.substring(equals + 1).strip());
                        if (name.equals("for")) {
                            hops.add(value);
                        } else if (name.equals("proto")) {
                            proto = value;
                        }
                    }
                }
            }
        } else {
            for (String header : xForwardedFor) {
                for (String hop : header.split(",")) {
                    hops.add(hop.strip());
                }
            }
            for (String header : xForwardedProto) {
                String[] values = header.split(",");
                // The right-most value is the one the proxy next to us wrote.
                proto = values[values.length - 1].strip();
            }
        }
        boolean secure = proto == null ? peerSecure : proto.equalsIgnoreCase("https");
        String client = peer;
        for (int i = hops.size() - 1; i >= 0 && hops.size() - i <= MAX_HOPS; i--) {
            String hop = hostOf(hops.get(i));
            if (hop == null) {
                // Not an address (unknown, obfuscated, malformed): the proxy that reported it is all we know.
                break;
            }
            client = hop;
            if (!contains(hop)) {
                break;
            }
        }
        return new Client(client, secure);
    }

    @Override
    public String toString() {
        return "TrustedProxies" + ranges;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }

    /** The IP literal of a hop ({@code 192.0.2.1}, {@code 192.0.2.1:80}, {@code [2001:db8::1]:80}, {@code 2001:db8::1}), or null. */
    private static String hostOf(String hop) {
        String host = hop;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? "" : host.substring(1, end);
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            host = host.substring(0, host.indexOf(':'));
        }
        byte[] bytes = Range.bytes(host);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** One address or CIDR range. */
    private record Range(byte[] network, int prefix, String text) {

        static Range parse(String entry) {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            byte[] bytes = bytes(address);
            if (bytes == null) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range");
            }
            int prefix = bytes.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException("'" + entry + "' has no valid prefix length (0 to " + bytes.length * 8 + ")");
                }
            }
            return new Range(bytes, prefix, entry);
        }

        /** The bytes of an IPv4 or IPv6 literal, IPv4-mapped IPv6 as IPv4; null for anything else (never DNS). */
        static byte[] bytes(String literal) {
            if (literal == null || !LITERAL.matcher(literal).matches()) {
                return null;
            }
            boolean v6 = literal.indexOf(':') >= 0;
            if (!v6 && !literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                return null;
            }
            try {
                // Only literals reach here, so no name is looked up.
                return InetAddress.getByName(literal).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }

        @Override
        public String toString() {
            return text;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Range r && r.text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }
    }
}
