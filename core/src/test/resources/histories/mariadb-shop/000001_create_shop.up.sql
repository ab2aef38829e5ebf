CREATE TABLE categories (
    id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(60) NOT NULL,
    parent_id INT UNSIGNED NULL,
    CONSTRAINT categories_parent_fk FOREIGN KEY (parent_id) REFERENCES categories (id)
);
CREATE TABLE customers (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    email VARCHAR(120) NOT NULL UNIQUE,
    first_name VARCHAR(40) NOT NULL,
    active TINYINT(1) NOT NULL DEFAULT 1,
    tier ENUM('free', 'pro', 'team') NOT NULL,
    born DATE NULL,
    prefs JSON NULL,
    external_id UUID NULL,
    country CHAR(2) NULL
);
CREATE TABLE orders (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    category_id INT UNSIGNED NULL,
    status VARCHAR(12) NOT NULL CHECK (status IN ('new', 'paid', 'shipped')),
    total DECIMAL(10, 2) NOT NULL CHECK (total >= 0),
    qty SMALLINT UNSIGNED NOT NULL,
    rank_hint TINYINT NOT NULL DEFAULT 0,
    placed_at DATETIME NOT NULL,
    CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT orders_category_fk FOREIGN KEY (category_id) REFERENCES categories (id)
);
