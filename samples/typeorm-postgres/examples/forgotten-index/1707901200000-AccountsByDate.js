module.exports = class AccountsByDate1707901200000 {
  name = 'AccountsByDate1707901200000';

  async up(queryRunner) {
    await queryRunner.query(`CREATE INDEX "accounts_created_idx" ON "accounts" ("created_at")`);
  }

  async down(queryRunner) {
    // forgets accounts_created_idx
  }
};
