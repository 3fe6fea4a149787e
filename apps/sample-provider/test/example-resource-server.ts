// The example resource server of the README ("Protect your API with Gatehouse tokens"), exactly as
// resource-server.e2e.test.ts runs it against the reference provider.
import express from 'express';
import { requireToken } from '@gatehouse/express-router';

/** A notes API that accepts access tokens issued to one Gatehouse application. */
export function notesApi(gatehouse: { issuer: string; clientId: string; clientSecret: string }): express.Express {
  const auth = requireToken({
    issuer: gatehouse.issuer, // e.g. http://localhost:9000/application/o/notes/
    audience: gatehouse.clientId, // Gatehouse sets `aud` to the client ID the token was issued to
    // Optional: ask the provider (RFC 7662), so revoked tokens are refused before they expire.
    introspection: { clientId: gatehouse.clientId, clientSecret: gatehouse.clientSecret },
  });
  const app = express();
  app.get('/notes', auth.withScopes('notes:read'), (req, res) => {
    res.json({ owner: req.auth!.subject, client: req.auth!.clientId, notes: [] });
  });
  app.post('/notes', auth.withScopes('notes:write'), (req, res) => {
    res.status(201).json({ owner: req.auth!.subject });
  });
  return app;
}
