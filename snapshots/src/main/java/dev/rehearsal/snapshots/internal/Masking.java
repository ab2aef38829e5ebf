package dev.rehearsal.snapshots.internal;

import dev.rehearsal.core.model.RehearsalException;
import net.datafaker.Faker;
import org.apiguardian.api.API;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Deterministic, keyed masking of personal data: every masked value is derived from an HMAC-SHA256 of the original
 * under a secret, so the same input gives the same output in every table (joins and uniqueness survive), nobody
 * without the secret can map outputs back, and a masked value never equals its original. Rules are chosen per column
 * by name ({@code email}, {@code first_name}, {@code phone}...), overridable in a YAML file; columns that look
 * personal by name or by sampled content and have no rule are listed so that the capture can refuse them.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Masking {

    /** The environment variable that holds the masking secret. */
    public static final String KEY_VARIABLE = "REHEARSAL_MASKING_KEY";

    /** What a rule does to a value. */
    public enum Rule {
        /** {@code local@domain.tld}: local part and domain replaced by letters from the hash, the top-level domain kept. */
        EMAIL,
        /** A realistic first name chosen by the hash. */
        FIRST_NAME,
        /** A realistic last name chosen by the hash. */
        LAST_NAME,
        /** A realistic full name chosen by the hash. */
        NAME,
        /** Every digit replaced by a digit from the hash; {@code +}, spaces, dashes and brackets kept. */
        PHONE,
        /** A realistic street address chosen by the hash. */
        ADDRESS,
        /** A realistic city chosen by the hash. */
        CITY,
        /** Digits replaced by digits, letters by letters (same case); everything else kept: post codes, IBANs, ids. */
        DIGITS,
        /** Free text: each letter and digit replaced by one of its kind, spaces and punctuation kept, so lengths stay. */
        TEXT,
        /** A date in the same year, day chosen by the hash ({@code yyyy-mm-dd} prefix; a time part is kept). */
        DATE,
        /** The hash in hex (32 characters): for tokens and password hashes that only need to stay distinct. */
        HASH,
        /** NULL. */
        NULL,
        /** Not masked: the column is not personal. */
        KEEP;

        /** The word YAML files use: {@code first-name}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Optional<Rule> ofWord(String word) {
            for (Rule r : values()) {
                if (r.word().equals(word.trim().toLowerCase(Locale.ROOT))) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }

    private static final Map<Pattern, Rule> BY_NAME = new LinkedHashMap<>();
    static {
        BY_NAME.put(Pattern.compile("e_?mail(_address)?|.*_e_?mail"), Rule.EMAIL);
        BY_NAME.put(Pattern.compile("(first|given)_?name"), Rule.FIRST_NAME);
        BY_NAME.put(Pattern.compile("(last|family|sur)_?name"), Rule.LAST_NAME);
        BY_NAME.put(Pattern.compile("(full|display|customer|contact|user|person)_?name"), Rule.NAME);
        BY_NAME.put(Pattern.compile("(phone|mobile|telephone|tel|fax)(_?number)?|.*_phone"), Rule.PHONE);
        BY_NAME.put(Pattern.compile("(street_?)?address(_?line_?\\d)?|street"), Rule.ADDRESS);
        BY_NAME.put(Pattern.compile("city|town"), Rule.CITY);
        BY_NAME.put(Pattern.compile("zip(_?code)?|post_?code|postal_?code"), Rule.DIGITS);
        BY_NAME.put(Pattern.compile("notes?|comments?|bio|remarks?|message"), Rule.TEXT);
    }

    /** Tables of people, whose {@code name} column is a person's name (a product's name is not masked). */
    private static final Pattern PEOPLE = Pattern.compile("(customer|user|person|people|employee|member|contact|account"
            + "|patient|student|client|subscriber|author|owner)s?");

    /** Names that say a column is personal or secret, with no safe default: the team must choose a rule. */
    private static final Pattern SENSITIVE = Pattern.compile(".*(ssn|social_security|passport|national_id|tax_id|iban"
            + "|card_number|credit_card|birth|dob|ip_address|password|token|secret|api_key|salary|license_number).*");
    private static final Pattern LOOKS_LIKE_EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}");
    private static final Pattern LOOKS_LIKE_PHONE = Pattern.compile("\\+?[\\d ()./-]{7,20}");
    private static final Pattern EMAIL_INSIDE = Pattern.compile("[\\w.+-]+@[\\w-]+\\.[\\w.]{2,}");
    private static final Pattern PHONE_INSIDE = Pattern.compile("\\+\\d[\\d ()-]{7,}\\d|\\(?\\b\\d{3}\\)?[ -]\\d{3}[ -]\\d{4}\\b");
    private static final char[] LOWER = "abcdefghijklmnopqrstuvwxyz".toCharArray();

    private final Mac mac;
    private final Map<String, Rule> overrides;

    private Masking(byte[] key, Map<String, Rule> overrides) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM: " + e, e);
        }
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * Masking with {@code key} and the rules of {@code rulesFile} (null for the defaults only).
     *
     * @throws RehearsalException when the key is missing or too short, or the file cannot be read, naming what to do
     */
    public static Masking of(String key, Path rulesFile) {
        if (key == null || key.isBlank()) {
            throw new RehearsalException("No masking secret: set the environment variable " + KEY_VARIABLE
                    + " (at least 16 characters, kept out of the repository) before capturing; the same secret gives"
                    + " the same masked values, so joins between captures still match.");
        }
        if (key.length() < 16) {
            throw new RehearsalException("The masking secret in " + KEY_VARIABLE + " has " + key.length()
                    + " characters; use at least 16, so that masked values cannot be guessed back by trying secrets.");
        }
        return new Masking(key.getBytes(StandardCharsets.UTF_8), rulesFile == null ? Map.of() : readRules(rulesFile));
    }

    /**
     * The rules of a YAML file: {@code columns:} mapping {@code table.column} to a rule word.
     *
     * <pre>
     * columns:
     *   customers.notes: text
     *   customers.ssn: digits
     *   products.name: keep
     * </pre>
     */
    static Map<String, Rule> readRules(Path file) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        } catch (IOException e) {
            throw new RehearsalException("Could not read the masking rules " + file + ": " + e, e);
        } catch (YAMLException e) {
            throw new RehearsalException("The masking rules " + file + " are not valid YAML: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> map) || !(map.get("columns") instanceof Map<?, ?> columns)) {
            throw new RehearsalException("The masking rules " + file + " need a \"columns:\" map of table.column to a rule,"
                    + " such as \"customers.notes: text\"; rules: " + words());
        }
        Map<String, Rule> rules = new LinkedHashMap<>();
        columns.forEach((k, v) -> {
            String column = String.valueOf(k);
            Rule rule = Rule.ofWord(String.valueOf(v)).orElseThrow(() -> new RehearsalException("The masking rules " + file
                    + " give " + column + " the rule \"" + v + "\", which does not exist; rules: " + words()));
            if (!column.contains(".")) {
                throw new RehearsalException("The masking rules " + file + " name \"" + column + "\": write table.column");
            }
            rules.put(column, rule);
        });
        return rules;
    }

    private static String words() {
        return String.join(", ", java.util.Arrays.stream(Rule.values()).map(Rule::word).toList());
    }

    /** The rule of a column: the file's, else the default for its name, else empty (not masked unless it looks personal). */
    public Optional<Rule> ruleFor(String table, String column) {
        Rule explicit = overrides.get(table + "." + column);
        if (explicit != null) {
            return Optional.of(explicit);
        }
        String name = column.toLowerCase(Locale.ROOT);
        String simpleTable = table.substring(table.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        if (name.equals("name") && PEOPLE.matcher(simpleTable).matches()) {
            return Optional.of(Rule.NAME);
        }
        for (Map.Entry<Pattern, Rule> e : BY_NAME.entrySet()) {
            if (e.getKey().matcher(name).matches()) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** Rules of the file that name columns the database does not have: a typo would leave a column unmasked. */
    public List<String> unknownColumns(java.util.Set<String> columns) {
        return overrides.keySet().stream().filter(c -> !columns.contains(c)).sorted().toList();
    }

    /**
     * Why a column without a rule looks personal, or empty: its name ({@code ssn}, {@code birth_date},
     * {@code password}), its type ({@code inet}) or its sampled values (most look like e-mail addresses or phone
     * numbers, or some mention them).
     */
    public static Optional<String> looksPersonal(String column, String type, List<String> sample) {
        String name = column.toLowerCase(Locale.ROOT);
        if (SENSITIVE.matcher(name).matches()) {
            return Optional.of("its name");
        }
        String t = type.toLowerCase(Locale.ROOT);
        if (t.equals("inet") || t.equals("cidr") || t.startsWith("macaddr")) {
            return Optional.of("its type, " + t + ", holds network addresses");
        }
        long nonNull = sample.stream().filter(v -> v != null && !v.isBlank()).count();
        if (nonNull >= 3) {
            long emails = sample.stream().filter(v -> v != null && LOOKS_LIKE_EMAIL.matcher(v.trim()).matches()).count();
            if (emails * 2 > nonNull) {
                return Optional.of("its values look like e-mail addresses");
            }
            long phones = sample.stream().filter(v -> v != null && LOOKS_LIKE_PHONE.matcher(v.trim()).matches()
                    && v.chars().filter(Character::isDigit).count() >= 7).count();
            if (phones * 2 > nonNull) {
                return Optional.of("its values look like phone numbers");
            }
            // free text that mentions people's addresses or numbers (support messages, notes)
            long mentioning = sample.stream().filter(v -> v != null && (EMAIL_INSIDE.matcher(v).find()
                    || PHONE_INSIDE.matcher(v).find())).count();
            if (mentioning * 5 >= nonNull) {
                return Optional.of("its values contain e-mail addresses or phone numbers");
            }
        }
        return Optional.empty();
    }

    /** The masked value of {@code value} under {@code rule}; never the original (null stays null). */
    public String mask(Rule rule, String value) {
        if (value == null || rule == Rule.KEEP) {
            return value;
        }
        if (rule == Rule.NULL) {
            return null;
        }
        if (value.chars().noneMatch(Character::isLetterOrDigit)) {
            return value; // empty, or only spaces and punctuation: nothing personal to hide, and nothing to change
        }
        for (int attempt = 0; attempt < 64; attempt++) {
            String masked = apply(rule, value, attempt);
            if (!masked.equals(value)) {
                return masked;
            }
        }
        return java.util.HexFormat.of().formatHex(hmac("fallback\u0000" + value), 0, 16); // never the original
    }

    private String apply(Rule rule, String value, int attempt) {
        byte[] hash = hmac(rule.word() + (attempt == 0 ? "" : "#" + attempt) + "\u0000" + value);
        return switch (rule) {
            case EMAIL -> email(value, hash);
            case FIRST_NAME -> faker(hash).name().firstName();
            case LAST_NAME -> faker(hash).name().lastName();
            case NAME -> faker(hash).name().fullName();
            case ADDRESS -> faker(hash).address().streetAddress();
            case CITY -> faker(hash).address().city();
            case PHONE, DIGITS, TEXT -> scramble(value, hash, rule != Rule.PHONE);
            case DATE -> date(value, hash);
            case HASH -> java.util.HexFormat.of().formatHex(hash, 0, 16);
            case NULL, KEEP -> throw new IllegalStateException(rule.word());
        };
    }

    private byte[] hmac(String input) {
        return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
    }

    private static Faker faker(byte[] hash) {
        return new Faker(Locale.ENGLISH, new Random(ByteBuffer.wrap(hash).getLong()));
    }

    /** A keyed stream of numbers: the hash, then hashes of it, as long as the value needs. */
    private final class Stream {
        private byte[] block;
        private int at;

        Stream(byte[] seed) {
            block = seed;
        }

        int next(int bound) {
            if (at >= block.length) {
                block = mac.doFinal(block);
                at = 0;
            }
            return (block[at++] & 0xff) % bound;
        }
    }

    private String email(String value, byte[] hash) {
        int atSign = value.lastIndexOf('@');
        String domain = atSign < 0 ? "" : value.substring(atSign + 1);
        int dot = domain.lastIndexOf('.');
        String tld = dot < 0 ? "com" : domain.substring(dot + 1);
        Stream s = new Stream(hash);
        StringBuilder sb = new StringBuilder();
        int local = Math.max(10, atSign < 0 ? value.length() : atSign);
        for (int i = 0; i < local; i++) {
            sb.append(LOWER[s.next(LOWER.length)]);
        }
        sb.append('@');
        for (int i = 0; i < Math.max(6, dot < 0 ? 6 : dot); i++) {
            sb.append(LOWER[s.next(LOWER.length)]);
        }
        return sb.append('.').append(tld).toString();
    }

    /** Letters become letters of the same case, digits digits; the rest stays (spaces, punctuation, {@code +}). */
    private String scramble(String value, byte[] hash, boolean letters) {
        Stream s = new Stream(hash);
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9') {
                sb.append((char) ('0' + s.next(10)));
            } else if (letters && Character.isLetter(c)) {
                char l = LOWER[s.next(LOWER.length)];
                sb.append(Character.isUpperCase(c) ? Character.toUpperCase(l) : l);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private String date(String value, byte[] hash) {
        if (value.length() < 10 || value.charAt(4) != '-') {
            return scramble(value, hash, true);
        }
        Stream s = new Stream(hash);
        int day = s.next(200) + s.next(165); // 0..363: a day of the same year
        java.time.LocalDate date = java.time.LocalDate.of(Integer.parseInt(value.substring(0, 4)), 1, 1).plusDays(day);
        return date + value.substring(10);
    }

    /** Columns in {@code candidates} by table, for messages. */
    public static String list(List<String> columns) {
        return String.join("\n  ", new ArrayList<>(columns));
    }
}
