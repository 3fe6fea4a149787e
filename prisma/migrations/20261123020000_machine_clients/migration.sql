-- AlterTable
ALTER TABLE "applications" ADD COLUMN "refresh_token_threshold_seconds" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "users" ADD COLUMN "expires_at" TIMESTAMPTZ(3);
