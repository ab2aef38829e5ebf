-- Rehearsal schema golden file, format 1: the PostgreSQL schema after version 3.
-- Written by Rehearsal from the migrations; review changes like code. Rewrite: -Drehearsal.snapshots.update=true

-- schema public
CREATE SCHEMA public;
COMMENT ON SCHEMA public IS 'standard public schema';

-- sequence customers_id_seq
CREATE SEQUENCE customers_id_seq AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1 NO CYCLE;
ALTER SEQUENCE customers_id_seq OWNED BY customers.id;

-- sequence orders_id_seq
CREATE SEQUENCE orders_id_seq AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1 NO CYCLE;
ALTER SEQUENCE orders_id_seq OWNED BY orders.id;

-- sequence products_id_seq
CREATE SEQUENCE products_id_seq AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1 NO CYCLE;
ALTER SEQUENCE products_id_seq OWNED BY products.id;

-- table customers
CREATE TABLE customers (
    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    email text NOT NULL,
    full_name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);
COMMENT ON TABLE customers IS 'People who place orders';

-- constraint customers.customers_email_key
ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);

-- constraint customers.customers_pkey
ALTER TABLE customers ADD CONSTRAINT customers_pkey PRIMARY KEY (id);

-- index customers_email_key
CREATE UNIQUE INDEX customers_email_key ON public.customers USING btree (email);

-- index customers_pkey
CREATE UNIQUE INDEX customers_pkey ON public.customers USING btree (id);

-- table order_items
CREATE TABLE order_items (
    order_id bigint NOT NULL,
    product_id bigint NOT NULL,
    quantity integer NOT NULL,
    unit_price numeric(10,2) NOT NULL
);

-- constraint order_items.order_items_order_id_fkey
ALTER TABLE order_items ADD CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders(id) ON DELETE CASCADE;

-- constraint order_items.order_items_pkey
ALTER TABLE order_items ADD CONSTRAINT order_items_pkey PRIMARY KEY (order_id, product_id);

-- constraint order_items.order_items_product_id_fkey
ALTER TABLE order_items ADD CONSTRAINT order_items_product_id_fkey FOREIGN KEY (product_id) REFERENCES products(id);

-- constraint order_items.order_items_quantity_check
ALTER TABLE order_items ADD CONSTRAINT order_items_quantity_check CHECK (quantity > 0);

-- index order_items_pkey
CREATE UNIQUE INDEX order_items_pkey ON public.order_items USING btree (order_id, product_id);

-- table orders
CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    customer_id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

-- constraint orders.orders_customer_id_fkey
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id);

-- constraint orders.orders_pkey
ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);

-- index orders_pkey
CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (id);

-- table products
CREATE TABLE products (
    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    sku text NOT NULL,
    name text NOT NULL,
    price numeric(10,2) NOT NULL
);

-- constraint products.products_pkey
ALTER TABLE products ADD CONSTRAINT products_pkey PRIMARY KEY (id);

-- constraint products.products_price_check
ALTER TABLE products ADD CONSTRAINT products_price_check CHECK (price >= 0::numeric);

-- constraint products.products_sku_key
ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE (sku);

-- index products_pkey
CREATE UNIQUE INDEX products_pkey ON public.products USING btree (id);

-- index products_sku_key
CREATE UNIQUE INDEX products_sku_key ON public.products USING btree (sku);
