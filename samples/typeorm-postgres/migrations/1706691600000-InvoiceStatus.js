module.exports = class InvoiceStatus1706691600000 {
  name = 'InvoiceStatus1706691600000';

  async up(queryRunner) {
    await queryRunner.query(`SET lock_timeout = '2s'`);
    await queryRunner.query(`ALTER TABLE "invoices" ADD "status" varchar(16) NOT NULL DEFAULT 'open'`);
  }

  async down(queryRunner) {
    await queryRunner.query(`ALTER TABLE "invoices" DROP COLUMN "status"`);
  }
};
