CREATE TABLE customers (
    id         serial PRIMARY KEY,
    first_name text,
    last_name  text,
    email      text NOT NULL,
    phone      text,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    id          serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers (id),
    total       numeric(10, 2) NOT NULL,
    status      text NOT NULL CHECK (status IN ('new', 'paid', 'shipped'))
);
