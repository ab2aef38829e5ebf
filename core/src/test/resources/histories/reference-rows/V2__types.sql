-- a tool that quotes every name, as Prisma does
CREATE TABLE "Type" (
    "name"  text PRIMARY KEY,
    "label" text NOT NULL
);
INSERT INTO "Type" ("name", "label") VALUES
    ('type-1', 'One'), ('type-2', 'Two'), ('type-3', 'Three'), ('type-4', 'Four'), ('type-5', 'Five'),
    ('type-6', 'Six'), ('type-7', 'Seven'), ('type-8', 'Eight'), ('type-9', 'Nine');
