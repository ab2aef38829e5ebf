module.exports = class CreateInvoices1705482000000 {
  name = 'CreateInvoices1705482000000';

  async up(queryRunner) {
    await queryRunner.query(`SET lock_timeout = '2s'`);
    await queryRunner.query(`CREATE TABLE "invoices" ("id" SERIAL PRIMARY KEY,
      "account_id" integer NOT NULL REFERENCES "accounts" ("id"), "total_cents" bigint NOT NULL)`);
    await queryRunner.query(`CREATE INDEX "invoices_account_idx" ON "invoices" ("account_id")`);
  }

  async down(queryRunner) {
    await queryRunner.query(`DROP TABLE "invoices"`);
  }
};
