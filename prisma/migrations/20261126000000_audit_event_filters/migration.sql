-- CreateIndex
-- The management API lists the audit events of one user or one application, newest first.
CREATE INDEX "events_user_id_id_idx" ON "events"("user_id", "id");

-- CreateIndex
CREATE INDEX "events_application_id_id_idx" ON "events"("application_id", "id");
