-- A schema with the shapes the seeder must handle: enums, domains, checks, arrays, json, self-references,
-- a foreign-key cycle, composite and one-to-one keys, identity, serial and generated columns.
CREATE TYPE mood AS ENUM ('happy', 'sad', 'neutral');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);

CREATE TABLE departments (
    id          serial PRIMARY KEY,
    name        varchar(60) NOT NULL,
    head_id     integer
);

CREATE TABLE employees (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    first_name   varchar(40) NOT NULL,
    last_name    varchar(40) NOT NULL,
    email        varchar(120) NOT NULL UNIQUE,
    phone        text,
    city         text,
    country_code char(2),
    department_id integer NOT NULL REFERENCES departments (id),
    manager_id   bigint REFERENCES employees (id),
    hired_on     date NOT NULL,
    salary       numeric(10, 2) NOT NULL CHECK (salary >= 1000 AND salary <= 20000),
    mood         mood NOT NULL DEFAULT 'neutral',
    level        positive_int NOT NULL,
    tags         text[],
    settings     jsonb,
    badge        uuid NOT NULL,
    photo        bytea,
    last_ip      inet,
    search       tsvector,
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    full_name    text GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED
);

ALTER TABLE departments ADD CONSTRAINT departments_head_fk FOREIGN KEY (head_id) REFERENCES employees (id) DEFERRABLE;

CREATE UNIQUE INDEX employees_email_lower_idx ON employees (lower(email));

CREATE TABLE badges_issued (
    employee_id bigint PRIMARY KEY REFERENCES employees (id),
    issued_at   timestamp NOT NULL
);

CREATE TABLE projects (
    code        varchar(12) NOT NULL CHECK (code ~ '^[A-Z]{3}-[0-9]{4}$'),
    year        smallint NOT NULL CHECK (year BETWEEN 2020 AND 2026),
    title       text NOT NULL,
    status      text NOT NULL CHECK (status IN ('draft', 'active', 'done')),
    budget      numeric(12, 2) CHECK (budget > 0),
    starts_on   date,
    ends_on     date,
    PRIMARY KEY (code, year),
    CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on)
);

CREATE TABLE assignments (
    employee_id  bigint NOT NULL REFERENCES employees (id),
    project_code varchar(12) NOT NULL,
    project_year smallint NOT NULL,
    hours        integer NOT NULL CHECK (hours > 0),
    FOREIGN KEY (project_code, project_year) REFERENCES projects (code, year),
    UNIQUE (employee_id, project_code, project_year)
);
