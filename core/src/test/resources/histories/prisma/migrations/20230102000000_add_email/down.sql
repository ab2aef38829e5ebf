DROP INDEX "User_email_key";
ALTER TABLE "User" DROP COLUMN "email";
