module.exports = class CreateAccounts1704877200000 {
  name = 'CreateAccounts1704877200000';

  async up(queryRunner) {
    await queryRunner.query(`CREATE TABLE "accounts" ("id" SERIAL PRIMARY KEY, "email" varchar(320) NOT NULL UNIQUE,
      "created_at" timestamptz NOT NULL DEFAULT now())`);
  }

  async down(queryRunner) {
    await queryRunner.query(`DROP TABLE "accounts"`);
  }
};
