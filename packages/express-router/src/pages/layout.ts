/** Escapes text for HTML element content and double-quoted attribute values. */
const entities: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => entities[c]!);
}

const style = `body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}
main{max-width:26rem;margin:4rem auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin-top:0}label{display:block;margin:.8rem 0 .3rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
button{padding:.55rem 1.1rem;font-size:1rem;margin:1rem .5rem 0 0;border-radius:4px;border:1px solid #345;cursor:pointer}
button.primary{background:#2b59c3;color:#fff;border-color:#2b59c3}.error{color:#b00020}small{color:#667}`;

/**
 * Content-Security-Policy of pages: nothing but inline style, never framed. No `form-action`:
 * browsers apply it to the redirects that follow a form post too, and the login and consent
 * forms end in a redirect to the client's (any) origin.
 */
export const pageCsp = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

/** The page shell every Gatehouse page shares; `body` must already be escaped. */
export function renderPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${style}</style></head><body><main>${body}</main></body></html>`;
}
