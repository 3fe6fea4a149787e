import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Answers what Node's HTTP parser refuses before any route sees it (a request target with bytes
 * outside ASCII, headers over the size limit, broken framing) with the one JSON error body of
 * Gatehouse and a request id, instead of Node's bare `400 Bad Request`.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // Node's own rule: only answer on a socket that can still take a whole response.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
    const [status, description] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'the request headers are too large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'the request took too long to arrive']
          : [400, 'the HTTP request is malformed'];
    const requestId = randomUUID();
    const body = JSON.stringify({ error: 'invalid_request', error_description: description, request_id: requestId });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `cache-control: no-store\r\nx-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}
