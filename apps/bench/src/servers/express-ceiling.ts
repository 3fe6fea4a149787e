// The bare-Express ceiling: Express 5 answering one fixed JSON from one route. Nothing built on
// Express can serve more than this on the same core, so every result is also shown against it.
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.get('/', (_req, res) => void res.json({ status: 'ok' }));
const server = app.listen(Number(process.env['PORT']), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
