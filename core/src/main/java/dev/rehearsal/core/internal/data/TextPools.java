package dev.rehearsal.core.internal.data;

import net.datafaker.Faker;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Pools of realistic text values, made once per column from Datafaker and drawn from at random, so seeding stays
 * fast: names, e-mails, cities, country and currency codes, words, chosen by the column's name.
 */
final class TextPools {

    private static final int POOL = 512;

    private final Faker faker;

    TextPools(Faker faker) {
        this.faker = faker;
    }

    /** Realistic values for a text column, chosen by its name (and table), fitting {@code maxLength} (0: none). */
    List<String> forColumn(String name, String table, int maxLength) {
        if (maxLength > 0 && maxLength <= 3) {
            if (name.contains("country")) {
                return of(() -> faker.address().countryCode());
            }
            if (name.contains("currency")) {
                return of(() -> faker.money().currencyCode());
            }
            return of(() -> faker.regexify("[A-Z]{" + maxLength + "}"));
        }
        Supplier<String> s;
        if (name.equals("first_name") || name.equals("firstname") || name.equals("given_name")) {
            s = () -> faker.name().firstName();
        } else if (name.equals("last_name") || name.equals("lastname") || name.equals("surname") || name.equals("family_name")) {
            s = () -> faker.name().lastName();
        } else if (name.contains("username") || name.equals("login") || name.equals("handle")) {
            s = () -> faker.internet().username();
        } else if (name.contains("phone") || name.contains("mobile")) {
            s = () -> faker.phoneNumber().cellPhone();
        } else if (name.contains("city") || name.equals("town")) {
            s = () -> faker.address().city();
        } else if (name.contains("country_code")) {
            s = () -> faker.address().countryCode();
        } else if (name.contains("country")) {
            s = () -> faker.address().country();
        } else if (name.equals("state") || name.equals("region") || name.equals("province")) {
            s = () -> faker.address().state();
        } else if (name.contains("zip") || name.contains("postal") || name.contains("postcode")) {
            s = () -> faker.address().zipCode();
        } else if (name.contains("street") || name.equals("address") || name.startsWith("address_line")) {
            s = () -> faker.address().streetAddress();
        } else if (name.contains("url") || name.contains("website") || name.contains("homepage") || name.equals("link")) {
            s = () -> faker.internet().url();
        } else if (name.contains("domain")) {
            s = () -> faker.internet().domainName();
        } else if (name.equals("ip") || name.contains("ip_address")) {
            s = () -> faker.internet().ipV4Address();
        } else if (name.contains("currency")) {
            s = () -> faker.money().currencyCode();
        } else if (name.contains("color") || name.contains("colour")) {
            s = () -> faker.color().name();
        } else if (name.contains("company") || name.contains("organization") || name.contains("organisation")) {
            s = () -> faker.company().name();
        } else if (name.equals("sku") || name.endsWith("_code") || name.equals("code") || name.endsWith("_number")
                || name.equals("reference")) {
            s = () -> faker.regexify("[A-Z]{3}-[0-9]{6}");
        } else if (name.equals("slug")) {
            s = () -> String.join("-", faker.lorem().words(3)).toLowerCase(Locale.ROOT);
        } else if (name.equals("title") || name.endsWith("_title")) {
            s = table.contains("job") || name.contains("job") ? () -> faker.job().title() : () -> faker.book().title();
        } else if (name.contains("description") || name.contains("notes") || name.equals("note") || name.contains("comment")
                || name.equals("body") || name.equals("content") || name.equals("bio") || name.equals("summary")
                || name.equals("text") || name.equals("message")) {
            s = () -> faker.lorem().sentence(8);
        } else if (name.equals("status") || name.endsWith("_status") || name.equals("state")) {
            s = () -> faker.options().option("active", "pending", "inactive", "archived");
        } else if (name.equals("name") || name.endsWith("_name") || name.equals("full_name") || name.equals("display_name")) {
            if (table.contains("product") || table.contains("item") || name.contains("product")) {
                s = () -> faker.commerce().productName();
            } else if (table.contains("compan") || table.contains("organi") || table.contains("vendor")
                    || table.contains("supplier") || name.contains("company")) {
                s = () -> faker.company().name();
            } else if (table.contains("cit")) {
                s = () -> faker.address().city();
            } else if (table.contains("countr")) {
                s = () -> faker.address().country();
            } else if (table.contains("categor") || table.contains("tag")) {
                s = () -> faker.commerce().department();
            } else {
                s = () -> faker.name().fullName();
            }
        } else {
            s = () -> String.join(" ", faker.lorem().words(2));
        }
        return of(s);
    }

    /** {@value #POOL} values of {@code supplier}. */
    List<String> of(Supplier<String> supplier) {
        List<String> values = new ArrayList<>(POOL);
        for (int i = 0; i < POOL; i++) {
            values.add(supplier.get());
        }
        return values;
    }
}
