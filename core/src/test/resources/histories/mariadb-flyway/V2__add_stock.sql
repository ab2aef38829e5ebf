ALTER TABLE products ADD COLUMN stock INT NOT NULL DEFAULT 0;
CREATE INDEX products_stock_idx ON products (stock);
