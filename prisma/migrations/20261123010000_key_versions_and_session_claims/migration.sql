-- Keys: several versions per name (rotation), identified by kid.
ALTER TABLE "keys" DROP CONSTRAINT "keys_pkey";

-- DropIndex
DROP INDEX "keys_kid_key";

-- AlterTable
ALTER TABLE "keys" ADD COLUMN "retired_at" TIMESTAMPTZ(3),
ADD CONSTRAINT "keys_pkey" PRIMARY KEY ("kid");

-- CreateIndex
CREATE INDEX "keys_name_created_at_idx" ON "keys"("name", "created_at");

-- Grants: the login's authentication methods and the session's sid.
ALTER TABLE "grants" ADD COLUMN "amr" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "sid" TEXT;
