package dev.strata.api.http.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP fields (RFC 9110 5) in the order they were sent or received: names compare without regard
 * to case (RFC 9110 5.1), a name may occur several times (RFC 9110 5.3), and the names keep the
 * spelling they came with. Immutable.
 */
public final class Headers {

    private static final Headers EMPTY = new Headers(List.of(), List.of());

    private final List<String> names;
    private final List<String> values;

    private Headers(List<String> names, List<String> values) {
        this.names = names;
        this.values = values;
    }

    /** No fields. */
    public static Headers empty() {
        return EMPTY;
    }

    /** {@code name1, value1, name2, value2...}: a convenience for tests and small requests. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        Builder builder = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Number of field lines. */
    public int size() {
        return names.size();
    }

    /** The name of field line {@code i}, as spelled. */
    public String name(int i) {
        return names.get(i);
    }

    /** The value of field line {@code i}, without surrounding whitespace. */
    public String value(int i) {
        return values.get(i);
    }

    /** Whether a field named {@code name} (any case) is present. */
    public boolean contains(String name) {
        return indexOf(name) >= 0;
    }

    /** The first value of {@code name} (any case). */
    public Optional<String> first(String name) {
        int i = indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(values.get(i));
    }

    /** Every value of {@code name} (any case), in order; empty when absent. */
    public List<String> all(String name) {
        List<String> all = new ArrayList<>(1);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                all.add(values.get(i));
            }
        }
        return Collections.unmodifiableList(all);
    }

    /** The values of {@code name} combined with ", " (RFC 9110 5.3), or null when absent. */
    public String combined(String name) {
        List<String> all = all(name);
        return all.isEmpty() ? null : String.join(", ", all);
    }

    /** A copy with the fields of {@code name} (any case) replaced by one field, appended. */
    public Headers with(String name, String value) {
        return toBuilder().remove(name).add(name, value).build();
    }

    /** A copy without the fields named {@code name} (any case). */
    public Headers without(String name) {
        return toBuilder().remove(name).build();
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.names.addAll(names);
        builder.values.addAll(values);
        return builder;
    }

    private int indexOf(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The field lines as sent on the wire, each {@code "Name: value"} followed by CRLF. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            sb.append(names.get(i)).append(": ").append(values.get(i)).append("\r\n");
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers h && h.names.equals(names) && h.values.equals(values);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + values.hashCode();
    }

    /** Builds {@link Headers}; names must be tokens and values free of CR, LF and NUL (RFC 9110 5.1, 5.5). */
    public static final class Builder {
        private final List<String> names = new ArrayList<>();
        private final List<String> values = new ArrayList<>();

        private Builder() {
        }

        /** Appends a field line. */
        public Builder add(String name, String value) {
            checkName(name);
            String trimmed = value.strip();
            for (int i = 0; i < trimmed.length(); i++) {
                char c = trimmed.charAt(i);
                if (c == '\r' || c == '\n' || c == 0 || c > 0xFF) {
                    throw new IllegalArgumentException("invalid character in the value of " + name);
                }
            }
            names.add(name);
            values.add(trimmed);
            return this;
        }

        /** Removes every field named {@code name} (any case). */
        public Builder remove(String name) {
            for (int i = names.size() - 1; i >= 0; i--) {
                if (names.get(i).equalsIgnoreCase(name)) {
                    names.remove(i);
                    values.remove(i);
                }
            }
            return this;
        }

        public Headers build() {
            return names.isEmpty() ? EMPTY : new Headers(List.copyOf(names), List.copyOf(values));
        }

        private static void checkName(String name) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty field name");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                // RFC 9110 5.6.2: tchar
                boolean tchar = c < 0x7F && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
                if (!tchar) {
                    throw new IllegalArgumentException("invalid field name '" + name.toLowerCase(Locale.ROOT) + "'");
                }
            }
        }
    }
}
