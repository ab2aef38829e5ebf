package dev.rehearsal.snapshots.internal;

import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each masking rule: deterministic under one secret, different under another, format kept, never the original. */
class MaskingTest {

    private final Masking masking = Masking.of("a-secret-for-the-masking-test", null);
    private final Masking other = Masking.of("another-secret-for-the-test!", null);

    @Test
    void everyRuleIsDeterministicKeyedAndNeverGivesTheOriginal() {
        List<String[]> cases = List.of(
                new String[]{"EMAIL", "ada.lovelace@analytical.example"}, new String[]{"FIRST_NAME", "Ada"},
                new String[]{"LAST_NAME", "Lovelace"}, new String[]{"NAME", "Ada Lovelace"},
                new String[]{"PHONE", "+44 (20) 7946-0018"}, new String[]{"ADDRESS", "12 St James's Square"},
                new String[]{"CITY", "London"}, new String[]{"DIGITS", "SW1Y 4JH"},
                new String[]{"TEXT", "Call Ada on Monday about invoice 7"}, new String[]{"DATE", "1815-12-10"},
                new String[]{"HASH", "s3cr3t-token"});
        for (String[] c : cases) {
            Masking.Rule rule = Masking.Rule.valueOf(c[0]);
            String masked = masking.mask(rule, c[1]);
            assertThat(masked).as(rule + " never the original").isNotEqualTo(c[1]);
            assertThat(masking.mask(rule, c[1])).as(rule + " deterministic").isEqualTo(masked);
            assertThat(other.mask(rule, c[1])).as(rule + " keyed").isNotEqualTo(masked);
        }
        assertThat(masking.mask(Masking.Rule.EMAIL, "ada.lovelace@analytical.example")).matches("[a-z]{3}\\.[a-z]{8}@[a-z]{10}\\.example");
        assertThat(masking.mask(Masking.Rule.NAME, "Ada Lovelace")).matches("[A-Z][a-z]{2} [A-Z][a-z]{7}");
        assertThat(masking.mask(Masking.Rule.PHONE, "+44 (20) 7946-0018")).matches("\\+\\d\\d \\(\\d\\d\\) \\d{4}-\\d{4}");
        assertThat(masking.mask(Masking.Rule.DIGITS, "SW1Y 4JH")).matches("[A-Z]{2}\\d[A-Z] \\d[A-Z]{2}");
        assertThat(masking.mask(Masking.Rule.TEXT, "Call Ada on Monday")).matches("[A-Z][a-z]{3} [A-Z][a-z]{2} [a-z]{2} [A-Z][a-z]{5}");
        assertThat(masking.mask(Masking.Rule.DATE, "1815-12-10 09:30:00")).startsWith("1815-").endsWith(" 09:30:00");
        assertThat(masking.mask(Masking.Rule.HASH, "s3cr3t-token")).matches("[0-9a-f]{32}");
        assertThat(masking.mask(Masking.Rule.NULL, "anything")).isNull();
        assertThat(masking.mask(Masking.Rule.KEEP, "Widget")).isEqualTo("Widget");
        assertThat(masking.mask(Masking.Rule.TEXT, "")).isEmpty();
        assertThat(masking.mask(Masking.Rule.TEXT, " -- ")).isEqualTo(" -- ");
        assertThat(masking.mask(Masking.Rule.EMAIL, null)).isNull();
    }

    @Test
    void valuesEqualAfterLowerOrTrimStayEqualAfterThem() {
        for (Masking.Rule rule : List.of(Masking.Rule.EMAIL, Masking.Rule.NAME, Masking.Rule.TEXT, Masking.Rule.DIGITS)) {
            String a = masking.mask(rule, "Ann.Lee@Example.org");
            String b = masking.mask(rule, "ann.lee@example.org");
            String c = masking.mask(rule, "  ANN.LEE@EXAMPLE.ORG ");
            assertThat(a).as(rule + " case variants differ as the originals do").isNotEqualTo(b);
            assertThat(a.toLowerCase()).as(rule.word()).isEqualTo(b.toLowerCase()).isEqualTo(c.trim().toLowerCase());
            assertThat(c).as(rule + " surrounding spaces kept").startsWith("  ").endsWith(" ").hasSize(22);
            assertThat(Character.isUpperCase(a.charAt(0)) && Character.isLowerCase(a.charAt(1))).as(rule + ": " + a).isTrue();
        }
    }

    @Test
    void lengthsKindsAndMultiByteLettersKeepTheirPlaces() {
        String masked = masking.mask(Masking.Rule.TEXT, "Zoë Ångström, 12 Rue d'Été");
        assertThat(masked).hasSize("Zoë Ångström, 12 Rue d'Été".length())
                .matches("[A-Z][a-z]{2} [A-Z][a-z]{7}, \\d\\d [A-Z][a-z]{2} [a-z]'[A-Z][a-z]{2}");
        assertThat(masking.mask(Masking.Rule.DIGITS, "12345-ABC")).matches("\\d{5}-[A-Z]{3}");
    }

    @Test
    void distinctValuesStayDistinctEvenInSmallDomains() {
        Set<String> phones = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            phones.add(masking.mask(Masking.Rule.PHONE, String.format("+1 415 %07d", i))); // 10^10 values: FF1
        }
        assertThat(phones).hasSize(200_000);
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String code = String.format("%04d", i); // 10^4 values: the keyed cyclic shuffle
            String masked = masking.mask(Masking.Rule.DIGITS, code);
            assertThat(masked).isNotEqualTo(code).hasSize(4);
            codes.add(masked);
        }
        assertThat(codes).hasSize(10_000);
    }

    @Test
    void distinctEmailsStayDistinct() {
        Set<String> masked = new HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            masked.add(masking.mask(Masking.Rule.EMAIL, "user" + i + "@example.com"));
        }
        assertThat(masked).hasSize(50_000);
    }

    @Test
    void rulesComeFromColumnNamesAndTheFileWins(@TempDir Path dir) throws IOException {
        assertThat(masking.ruleFor("customers", "email")).contains(Masking.Rule.EMAIL);
        assertThat(masking.ruleFor("customers", "name")).contains(Masking.Rule.NAME);
        assertThat(masking.ruleFor("products", "name")).isEmpty();
        assertThat(masking.ruleFor("orders", "billing_phone")).contains(Masking.Rule.PHONE);
        assertThat(masking.ruleFor("customers", "post_code")).contains(Masking.Rule.DIGITS);
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "columns:\n  customers.email: keep\n  customers.ssn: digits\n");
        Masking withFile = Masking.of("a-secret-for-the-masking-test", rules);
        assertThat(withFile.ruleFor("customers", "email")).contains(Masking.Rule.KEEP);
        assertThat(withFile.ruleFor("customers", "ssn")).contains(Masking.Rule.DIGITS);

        Files.writeString(rules, "columns:\n  customers.ssn: scramble\n");
        assertThatThrownBy(() -> Masking.of("a-secret-for-the-masking-test", rules)).isInstanceOf(RehearsalException.class)
                .hasMessageContaining("give customers.ssn the rule \"scramble\", which does not exist; rules: email,");
        Files.writeString(rules, "ssn: digits\n");
        assertThatThrownBy(() -> Masking.of("a-secret-for-the-masking-test", rules))
                .hasMessageContaining("need a \"columns:\" map");
    }

    @Test
    void columnsLookPersonalByNameOrBySampledValues() {
        assertThat(Masking.looksPersonal("ssn", "text", List.of())).contains("its name");
        assertThat(Masking.looksPersonal("date_of_birth", "date", List.of())).contains("its name");
        assertThat(Masking.looksPersonal("contact", "text", List.of("a@b.example", "c@d.example", "e@f.example")))
                .contains("its values look like e-mail addresses");
        assertThat(Masking.looksPersonal("reach", "text", List.of("+1 415 555 0101", "+1 415 555 0102", "+1 415 555 0103")))
                .contains("its values look like phone numbers");
        assertThat(Masking.looksPersonal("body", "text", List.of("Call me at +1 415 555 0101", "thanks", "ok", "fine", "sure")))
                .contains("its values contain e-mail addresses or phone numbers");
        assertThat(Masking.looksPersonal("last_seen_from", "inet", List.of())).contains("its type, inet, holds network addresses");
        assertThat(Masking.looksPersonal("status", "text", List.of("new", "paid", "shipped", "2024-01-01 10:00:00"))).isEmpty();
    }
}
