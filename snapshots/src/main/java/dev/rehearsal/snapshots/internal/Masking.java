package dev.rehearsal.snapshots.internal;

import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.text.Normalizer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Deterministic, keyed masking of personal data: text is encrypted with a format-preserving permutation keyed by a
 * secret ({@link FormatPreservingCipher}), so the same input gives the same output in every table (joins survive),
 * distinct inputs give distinct outputs of the same shape (unique keys, lengths and formats survive), values equal
 * after {@code lower()} or {@code trim()} stay so, nobody without the secret can map outputs back, and a masked value
 * never equals its original. Rules are chosen per column
 * by name ({@code email}, {@code first_name}, {@code phone}...), overridable in a YAML file; columns that look
 * personal by name or by sampled content and have no rule are listed so that the capture can refuse them.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Masking {

    /** The environment variable that holds the masking secret. */
    public static final String KEY_VARIABLE = "REHEARSAL_MASKING_KEY";

    /** What a rule does to a value. */
    public enum Rule {
        /** {@code local@domain.tld}: letters and digits encrypted in place, the top-level domain kept. */
        EMAIL,
        /** A first name: letters and digits encrypted in place, case and punctuation kept. */
        FIRST_NAME,
        /** A last name, as {@link #FIRST_NAME}. */
        LAST_NAME,
        /** A full name, as {@link #FIRST_NAME}. */
        NAME,
        /** Digits encrypted in place; letters, {@code +}, spaces, dashes and brackets kept. */
        PHONE,
        /** A street address, as {@link #FIRST_NAME}. */
        ADDRESS,
        /** A city, as {@link #FIRST_NAME}. */
        CITY,
        /** Post codes, IBANs, ids, as {@link #FIRST_NAME}. */
        DIGITS,
        /** Free text, as {@link #FIRST_NAME}: lengths, spaces and punctuation stay. */
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
    private final FormatPreservingCipher cipher;
    private final Map<String, Rule> overrides;

    private Masking(byte[] key, Map<String, Rule> overrides) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM: " + e, e);
        }
        this.cipher = new FormatPreservingCipher(mac);
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
        return String.join(", ", Arrays.stream(Rule.values()).map(Rule::word).toList());
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
    public List<String> unknownColumns(Set<String> columns) {
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
        return HexFormat.of().formatHex(hmac("fallback\u0000" + value), 0, 16); // never the original
    }

    private String apply(Rule rule, String value, int attempt) {
        byte[] hash = hmac(rule.word() + (attempt == 0 ? "" : "#" + attempt) + "\u0000" + value);
        return switch (rule) {
            case EMAIL, FIRST_NAME, LAST_NAME, NAME, ADDRESS, CITY, PHONE, DIGITS, TEXT -> preserve(rule, value, attempt);
            case DATE -> date(value, hash);
            case HASH -> HexFormat.of().formatHex(hash, 0, 16);
            case NULL, KEEP -> throw new IllegalStateException(rule.word());
        };
    }

    private byte[] hmac(String input) {
        return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
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

    /**
     * The value with its letters and digits encrypted by a keyed permutation that keeps their kind ({@link
     * FormatPreservingCipher}), computed over the value trimmed and lower-cased; the original's case pattern and
     * surrounding spaces are then put back. So values equal after {@code lower()} or {@code trim()} stay equal after
     * them, distinct values stay distinct, and length, spaces and punctuation stay where they were. E-mail addresses
     * keep their top-level domain; phone numbers keep their letters ({@code ext.}). Accented letters are read without
     * their accents and other letters outside a-z are folded onto a-z, so only values differing in such letters alone
     * can meet.
     */
    private String preserve(Rule rule, String value, int attempt) {
        int start = 0;
        int end = value.length();
        while (start < end && Character.isWhitespace(value.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(value.charAt(end - 1))) {
            end--;
        }
        String core = value.substring(start, end);
        String plain = Normalizer.normalize(core, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        String lower = plain.toLowerCase(Locale.ROOT);
        if (lower.length() != core.length()) {
            lower = core.toLowerCase(Locale.ROOT).length() == core.length() ? core.toLowerCase(Locale.ROOT) : core;
        }
        int kept = rule == Rule.EMAIL ? topLevelDomain(lower) : lower.length();
        boolean letters = rule != Rule.PHONE;
        StringBuilder shape = new StringBuilder(rule.word()).append('#').append(attempt).append('\u0000');
        int[] kinds = new int[lower.length()]; // 1 letter, 2 digit, 0 kept
        List<Integer> letterSymbols = new ArrayList<>();
        List<Integer> digitSymbols = new ArrayList<>();
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (i < kept && c >= '0' && c <= '9') {
                kinds[i] = 2;
                digitSymbols.add(c - '0');
                shape.append('9');
            } else if (i < kept && letters && Character.isLetter(c)) {
                kinds[i] = 1;
                letterSymbols.add(c >= 'a' && c <= 'z' ? c - 'a' : Math.floorMod(c, 26));
                shape.append('a');
            } else {
                shape.append(c);
            }
        }
        // each stream's tweak carries the other (the digits as they were, the letters as they became), as in a
        // Feistel round: still a permutation, and values sharing their letters but not their digits get different letters
        int[] digitsIn = digitSymbols.stream().mapToInt(Integer::intValue).toArray();
        int[] l = cipher.encrypt(letterSymbols.stream().mapToInt(Integer::intValue).toArray(), 26,
                (shape + "\u0000" + Arrays.toString(digitsIn)).getBytes(StandardCharsets.UTF_8));
        int[] d = cipher.encrypt(digitsIn, 10, (shape + "\u0000" + Arrays.toString(l)).getBytes(StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder(value.length()).append(value, 0, start);
        int li = 0;
        int di = 0;
        for (int i = 0; i < lower.length(); i++) {
            char c = kinds[i] == 1 ? LOWER[l[li++]] : kinds[i] == 2 ? (char) ('0' + d[di++]) : core.charAt(i);
            out.append(kinds[i] == 1 && Character.isUpperCase(core.charAt(i)) ? Character.toUpperCase(c) : c);
        }
        return out.append(value, end, value.length()).toString();
    }

    /** Where an e-mail address's top-level domain starts (after the last dot after the {@code @}), or its end. */
    private static int topLevelDomain(String email) {
        int at = email.lastIndexOf('@');
        int dot = email.lastIndexOf('.');
        return at >= 0 && dot > at ? dot + 1 : email.length();
    }

    private String date(String value, byte[] hash) {
        if (value.length() < 10 || value.charAt(4) != '-') {
            return preserve(Rule.TEXT, value, 0);
        }
        Stream s = new Stream(hash);
        int day = s.next(200) + s.next(165); // 0..363: a day of the same year
        LocalDate date = LocalDate.of(Integer.parseInt(value.substring(0, 4)), 1, 1).plusDays(day);
        return date + value.substring(10);
    }

    /** Columns in {@code candidates} by table, for messages. */
    public static String list(List<String> columns) {
        return String.join("\n  ", new ArrayList<>(columns));
    }
}
