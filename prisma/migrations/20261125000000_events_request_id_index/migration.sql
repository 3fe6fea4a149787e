-- CreateIndex
-- Audit views find the events of one request by its id (readEvents({ requestId })).
CREATE INDEX "events_request_id_idx" ON "events"("request_id");
