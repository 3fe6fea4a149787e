-- CreateTable
-- Scope mappings managed at run time; claims as json (not jsonb) to keep the order they were given in.
CREATE TABLE "scope_mappings" (
    "scope" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "claims" JSON NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "scope_mappings_pkey" PRIMARY KEY ("scope")
);
