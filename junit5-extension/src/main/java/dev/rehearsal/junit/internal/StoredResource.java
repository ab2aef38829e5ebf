package dev.rehearsal.junit.internal;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the extension keeps in a JUnit store and must release when its context ends (a rehearsal writing its report
 * and dropping its database, the shared embedded server). JUnit 5.13 and later close {@link AutoCloseable} store
 * values; JUnit 5.12 and earlier (Spring Boot 3.5 manages 5.12) close only {@code CloseableResource}s, so each such
 * value is both. JUnit closes a value once, through the first of the two it supports.
 */
@SuppressWarnings("deprecation") // CloseableResource is deprecated from JUnit 5.13 on, and the only way before it
interface StoredResource extends AutoCloseable, ExtensionContext.Store.CloseableResource {

    @Override
    void close();
}
