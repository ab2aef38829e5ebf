package dev.rehearsal.core.internal.data;

import net.datafaker.Faker;
import org.apiguardian.api.API;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chooses a {@link ValueGenerator} for a column: enum labels and CHECK IN lists first, then a realistic generator
 * picked by the column's name when its type fits ({@code email}, {@code city}, {@code price}, {@code created_at}...),
 * then one made for its type. Text generators draw from a pool of Datafaker values made once per column, so
 * seeding stays fast; timestamps are spread over the three years before a fixed date, so the same seed always
 * gives the same rows.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ValueGenerators {

    /** Timestamps lie before this instant, never relative to "now": runs must be repeatable. */
    static final Instant REFERENCE = Instant.parse("2026-01-01T00:00:00Z");
    private static final long THREE_YEARS_SECONDS = Duration.ofDays(3 * 365).toSeconds();
    private static final Pattern VARCHAR = Pattern.compile("^(character varying|varchar|character|char|bit|bit varying)\\((\\d+)\\)$");
    private static final Pattern NUMERIC = Pattern.compile("^numeric\\((\\d+),(\\d+)\\)$");
    private static final Pattern TIMESTAMP = Pattern.compile("^timestamp(\\(\\d\\))? (with|without) time zone$");
    private static final Pattern TIME = Pattern.compile("^time(\\(\\d\\))? (with|without) time zone$");

    private final Faker faker;
    private final TextPools pools;
    private final TextGenerators texts;

    public ValueGenerators(Faker faker) {
        this.faker = faker;
        this.pools = new TextPools(faker);
        this.texts = new TextGenerators(faker, pools);
    }

    /** Thrown when no generator fits a column's type. */
    public static final class UnsupportedTypeException extends Exception {
        private static final long serialVersionUID = 1L;

        UnsupportedTypeException(String type) {
            super(type);
        }
    }

    /**
     * A generator for {@code column}, honouring {@code rules} (parsed CHECKs on this column).
     *
     * @param uniqueStart for a unique integer column, the first value to hand out (values then increase); else null
     */
    public ValueGenerator forColumn(ColumnModel column, List<CheckConstraints.ColumnRule> rules, Long uniqueStart)
            throws UnsupportedTypeException {
        if (column.enumArray()) {
            List<String> labels = column.labels();
            return r -> {
                List<String> some = new ArrayList<>();
                for (String label : labels) {
                    if (r.nextInt(3) == 0) {
                        some.add(label);
                    }
                }
                if (some.isEmpty()) {
                    some.add(labels.get(r.nextInt(labels.size())));
                }
                return some;
            };
        }
        if (column.labels() != null) {
            return options(column.labels());
        }
        CheckBounds bounds = CheckBounds.of(rules);
        if (bounds.allowed != null) {
            return options(bounds.allowed);
        }
        String type = column.baseType();
        if (type.endsWith("[]")) {
            ColumnModel element = new ColumnModel(column.table(), column.name(), type.substring(0, type.length() - 2),
                    type.substring(0, type.length() - 2), true, false, null, List.of());
            ValueGenerator item = forColumn(element, List.of(), null);
            return r -> {
                int n = r.nextInt(4);
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(item.next(r));
                }
                return list;
            };
        }
        String name = column.name().toLowerCase(Locale.ROOT);
        String table = column.table().toLowerCase(Locale.ROOT);
        Matcher m;
        switch (type) {
            case "tinyint", "smallint", "mediumint", "integer", "bigint", "tinyint unsigned", "smallint unsigned",
                 "mediumint unsigned", "integer unsigned", "bigint unsigned" -> {
                boolean unsigned = type.endsWith(" unsigned");
                String width = unsigned ? type.substring(0, type.length() - " unsigned".length()) : type;
                int bits = switch (width) {
                    case "tinyint" -> 8;
                    case "smallint" -> 16;
                    case "mediumint" -> 24;
                    case "integer" -> 32;
                    default -> 64;
                };
                long typeMax = bits == 64 ? Long.MAX_VALUE : unsigned ? (1L << bits) - 1 : (1L << (bits - 1)) - 1;
                long typeMin = unsigned ? 0 : bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1));
                if (uniqueStart != null) {
                    long start = Math.max(uniqueStart, bounds.minLong(typeMin));
                    return sequential(start);
                }
                long[] range = integerRange(name);
                long lo = Math.max(Math.max(range[0], typeMin), bounds.minLong(typeMin));
                long hi = Math.min(Math.min(range[1], typeMax), bounds.maxLong(typeMax));
                if (lo > hi) {
                    hi = lo;
                }
                long low = lo;
                long span = hi - lo + 1;
                return new ValueGenerator() {
                    @Override
                    public Object next(Random r) {
                        return span <= 0 ? low + (r.nextLong() & Long.MAX_VALUE) : low + Math.floorMod(r.nextLong(), span);
                    }

                    @Override
                    public boolean canVary() {
                        return true;
                    }

                    @Override
                    public Object variant(Object value, long counter) {
                        return ((Number) value).longValue() + counter;
                    }
                };
            }
            case "real", "double precision" -> {
                double[] range = decimalRange(name, 1_000_000);
                double lo = Math.max(range[0], bounds.min == null ? -Double.MAX_VALUE : bounds.min.doubleValue());
                double hi = Math.min(range[1], bounds.max == null ? Double.MAX_VALUE : bounds.max.doubleValue());
                return r -> lo + r.nextDouble() * (hi - lo);
            }
            case "boolean" -> {
                return Random::nextBoolean;
            }
            case "uuid" -> {
                return r -> new UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
            }
            case "date" -> {
                boolean birth = name.contains("birth") || name.equals("dob");
                LocalDate ref = LocalDate.ofInstant(REFERENCE, ZoneOffset.UTC);
                return varying(r -> birth ? ref.minusDays(18 * 365 + r.nextInt(60 * 365)) : ref.minusDays(r.nextInt(3 * 365)),
                        (v, n) -> ((LocalDate) v).plusDays(n));
            }
            case "interval" -> {
                return r -> Duration.ofMinutes(1 + r.nextInt(60 * 24 * 30)).toString();
            }
            case "json", "jsonb" -> {
                List<String> words = pools.of(() -> faker.lorem().word());
                return r -> "{\"id\": " + r.nextInt(100_000) + ", \"tag\": \"" + words.get(r.nextInt(words.size()))
                        + "\", \"active\": " + r.nextBoolean() + "}";
            }
            case "bytea" -> {
                int min = bounds.minLength == null ? 8 : bounds.minLength;
                int max = bounds.maxLength == null ? Math.max(min, 31) : bounds.maxLength;
                return r -> {
                    byte[] b = new byte[min + (max > min ? r.nextInt(max - min + 1) : 0)];
                    r.nextBytes(b);
                    return b;
                };
            }
            case "tstzrange", "tsrange", "daterange" -> {
                return r -> {
                    Instant start = REFERENCE.minusSeconds(Math.floorMod(r.nextLong(), THREE_YEARS_SECONDS));
                    Instant end = start.plus(Duration.ofMinutes(type.equals("daterange") ? 1440L * (1 + r.nextInt(14))
                            : 15L * (1 + r.nextInt(16))));
                    return type.equals("daterange")
                            ? "[" + LocalDate.ofInstant(start, ZoneOffset.UTC) + "," + LocalDate.ofInstant(end, ZoneOffset.UTC) + ")"
                            : "[\"" + (type.equals("tsrange") ? LocalDateTime.ofInstant(start, ZoneOffset.UTC)
                            : OffsetDateTime.ofInstant(start, ZoneOffset.UTC)) + "\",\"" + (type.equals("tsrange")
                            ? LocalDateTime.ofInstant(end, ZoneOffset.UTC) : OffsetDateTime.ofInstant(end, ZoneOffset.UTC)) + "\")";
                };
            }
            case "int4range", "int8range", "numrange" -> {
                return r -> {
                    long start = r.nextInt(1_000_000);
                    return "[" + start + "," + (start + 1 + r.nextInt(100)) + ")";
                };
            }
            case "inet", "cidr" -> {
                return r -> (10 + r.nextInt(200)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "."
                        + (type.equals("cidr") ? "0/24" : String.valueOf(1 + r.nextInt(254)));
            }
            case "macaddr" -> {
                return r -> String.format("%02x:%02x:%02x:%02x:%02x:%02x", r.nextInt(256), r.nextInt(256),
                        r.nextInt(256), r.nextInt(256), r.nextInt(256), r.nextInt(256));
            }
            case "money" -> {
                return r -> BigDecimal.valueOf(100 + r.nextInt(99_900), 2);
            }
            case "text", "character varying", "varchar", "citext", "name", "character", "bpchar" -> {
                return texts.forColumn(name, table, type.equals("name") ? 63 : type.startsWith("char") || type.equals("bpchar") ? 1 : 0, bounds);
            }
            case "numeric" -> {
                return decimal(name, 12, 2, bounds);
            }
            default -> {
            }
        }
        if ((m = VARCHAR.matcher(type)).matches()) {
            int length = Integer.parseInt(m.group(2));
            if (m.group(1).startsWith("bit")) {
                return r -> {
                    StringBuilder sb = new StringBuilder(length);
                    for (int i = 0; i < length; i++) {
                        sb.append(r.nextBoolean() ? '1' : '0');
                    }
                    return sb.toString();
                };
            }
            return texts.forColumn(name, table, length, bounds);
        }
        if ((m = NUMERIC.matcher(type)).matches()) {
            return decimal(name, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), bounds);
        }
        if ((m = TIMESTAMP.matcher(type)).matches()) {
            boolean zoned = m.group(2).equals("with");
            return varying(r -> {
                Instant i = REFERENCE.minusSeconds(Math.floorMod(r.nextLong(), THREE_YEARS_SECONDS));
                return zoned ? OffsetDateTime.ofInstant(i, ZoneOffset.UTC) : LocalDateTime.ofInstant(i, ZoneOffset.UTC);
            }, (v, n) -> v instanceof OffsetDateTime o ? o.plusSeconds(n) : ((LocalDateTime) v).plusSeconds(n));
        }
        if ((m = TIME.matcher(type)).matches()) {
            boolean zoned = m.group(2).equals("with");
            return r -> {
                LocalTime t = LocalTime.ofSecondOfDay(r.nextInt(24 * 3600));
                return zoned ? t + "+00" : t.toString();
            };
        }
        throw new UnsupportedTypeException(column.type());
    }

    /**
     * Text that a later migration's cast accepts ({@link SeedHints.CastsTo}): JSON objects, numbers, booleans, dates,
     * timestamps or uuids, as strings that fit {@code maxLength} (0: no limit).
     */
    public ValueGenerator castableText(String type, int maxLength) {
        boolean small = maxLength > 0 && maxLength < 40;
        return switch (type) {
            case "json" -> r -> small ? "{\"n\":" + r.nextInt(1000) + "}"
                    : "{\"id\": " + r.nextInt(100_000) + ", \"note\": \"" + faker.lorem().word().replace("\"", "")
                    + "\", \"active\": " + r.nextBoolean() + "}";
            case "integer" -> r -> String.valueOf(r.nextInt(small && maxLength < 6 ? 9 : 100_000));
            case "numeric" -> r -> r.nextInt(10_000) + "." + String.format(Locale.ROOT, "%02d", r.nextInt(100));
            case "boolean" -> r -> r.nextBoolean() ? "true" : "false";
            case "date" -> r -> LocalDate.of(2020, 1, 1).plusDays(r.nextInt(2_000)).toString();
            case "timestamp" -> r -> LocalDateTime.of(2020, 1, 1, 0, 0).plusMinutes(r.nextInt(3_000_000))
                    .toString().replace('T', ' ');
            case "uuid" -> r -> new UUID(r.nextLong(), r.nextLong()).toString();
            default -> throw new IllegalArgumentException("no castable text for " + type);
        };
    }

    /** One of these labels ({@link SeedHints.OneOf}). */
    public static ValueGenerator oneOf(List<String> labels) {
        return options(labels);
    }

    private static ValueGenerator options(List<String> values) {
        List<String> copy = List.copyOf(values);
        return r -> copy.get(r.nextInt(copy.size()));
    }

    private static ValueGenerator sequential(long start) {
        long[] next = {start};
        return new ValueGenerator() {
            @Override
            public Object next(Random r) {
                return next[0]++;
            }

            @Override
            public boolean canVary() {
                return true;
            }

            @Override
            public Object variant(Object value, long counter) {
                return next[0]++;
            }
        };
    }

    private interface Variant {
        Object apply(Object value, long counter);
    }

    private static ValueGenerator varying(ValueGenerator base, Variant variant) {
        return new ValueGenerator() {
            @Override
            public Object next(Random r) {
                return base.next(r);
            }

            @Override
            public boolean canVary() {
                return true;
            }

            @Override
            public Object variant(Object value, long counter) {
                return variant.apply(value, counter);
            }
        };
    }

    private static long[] integerRange(String name) {
        if (name.equals("age")) {
            return new long[]{18, 90};
        }
        if (name.contains("year")) {
            return new long[]{1990, 2026};
        }
        if (name.contains("rating") || name.contains("stars") || name.contains("score")) {
            return new long[]{1, 5};
        }
        if (name.contains("qty") || name.contains("quantity") || name.equals("count") || name.endsWith("_count")
                || name.contains("stock")) {
            return new long[]{1, 50};
        }
        if (name.contains("percent") || name.endsWith("_pct")) {
            return new long[]{0, 100};
        }
        if (name.contains("price") || name.contains("amount") || name.contains("total") || name.contains("cost")
                || name.contains("cents")) {
            return new long[]{100, 100_000};
        }
        return new long[]{1, 1_000_000};
    }

    private static double[] decimalRange(String name, double fallback) {
        if (name.contains("lat")) {
            return new double[]{-90, 90};
        }
        if (name.contains("lon") || name.contains("lng")) {
            return new double[]{-180, 180};
        }
        long[] r = integerRange(name);
        if (r[1] == 1_000_000) {
            return new double[]{0, fallback};
        }
        if (name.contains("price") || name.contains("amount") || name.contains("total") || name.contains("cost")) {
            return new double[]{1, 1000};
        }
        return new double[]{r[0], r[1]};
    }

    private static ValueGenerator decimal(String name, int precision, int scale, CheckBounds bounds) {
        BigDecimal typeMax = BigDecimal.TEN.pow(Math.max(0, precision - scale)).subtract(BigDecimal.ONE.movePointLeft(scale));
        double[] range = decimalRange(name, 10_000);
        BigDecimal lo = BigDecimal.valueOf(range[0]).max(typeMax.negate());
        BigDecimal hi = BigDecimal.valueOf(range[1]).min(typeMax);
        BigDecimal step = BigDecimal.ONE.movePointLeft(scale);
        if (bounds.min != null) {
            lo = lo.max(bounds.minInclusive ? bounds.min : bounds.min.add(step));
        }
        if (bounds.max != null) {
            hi = hi.min(bounds.maxInclusive ? bounds.max : bounds.max.subtract(step));
        }
        if (lo.compareTo(hi) > 0) {
            hi = lo;
        }
        BigDecimal low = lo;
        BigDecimal span = hi.subtract(lo);
        return varying(r -> low.add(span.multiply(BigDecimal.valueOf(r.nextDouble()))).setScale(scale, RoundingMode.DOWN),
                (v, n) -> ((BigDecimal) v).add(step.multiply(BigDecimal.valueOf(n))));
    }
}
