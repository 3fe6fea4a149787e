-- CreateIndex
-- Logout finds the grants of one browser session by its sid (OIDC RP-Initiated / Back-Channel Logout).
CREATE INDEX "grants_sid_idx" ON "grants"("sid");
