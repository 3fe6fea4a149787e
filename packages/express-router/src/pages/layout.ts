import { defaultLocale, type Locale } from '../i18n/locale.js';

/** Escapes text for HTML element content and double-quoted attribute values. */
const entities: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => entities[c]!);
}

// WCAG 2.2 AA: text at least 4.5:1 against its background (the lightest, #596170 on white, is
// 6.1:1), input borders and focus rings at least 3:1, a focus ring on every focusable element,
// and no meaning in colour alone (new scopes carry a word, errors a role). On narrow screens the
// card fills the width instead of floating.
const style = `*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;background:#f4f5f7;color:#1d2330;margin:0}
main{max-width:28rem;margin:4rem auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 4px #0003}
@media (max-width:30rem){main{margin:0;border-radius:0;box-shadow:none;padding:1.25rem;min-height:100vh}}
h1{font-size:1.35rem;line-height:1.3;margin:0 0 1rem}h2{font-size:1rem;margin:1.25rem 0 .25rem}
label{display:block;margin:1rem 0 .3rem;font-weight:600}
input[type=text],input[type=password]{width:100%;padding:.6rem;font-size:1rem;border:1px solid #5c6370;border-radius:4px;color:inherit}
input[aria-invalid=true]{border-color:#b00020}
button{padding:.6rem 1.2rem;font-size:1rem;margin:1rem .5rem 0 0;border-radius:4px;border:1px solid #3b4a66;background:#fff;color:#1d2330;cursor:pointer}
button.primary{background:#2b59c3;color:#fff;border-color:#2b59c3}
:focus-visible{outline:3px solid #1a4fd0;outline-offset:2px}
a{color:#1f4fb5}ul{padding-left:1.25rem}li{margin:.2rem 0}
.error{color:#b00020}.hint,small{color:#596170}.hint{font-size:.9rem;margin:.3rem 0 0}
.new{font-size:.75rem;font-weight:700;text-transform:uppercase;letter-spacing:.03em;color:#6b4500;background:#fff4d6;border:1px solid #a87b00;border-radius:3px;padding:0 .35rem;margin-right:.4rem}`;

/**
 * Content-Security-Policy of pages: nothing but inline style, never framed. No `form-action`:
 * browsers apply it to the redirects that follow a form post too, and the login and consent
 * forms end in a redirect to the client's (any) origin.
 */
export const pageCsp = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The page shell every Gatehouse page shares; `body` must already be escaped, `title` is text.
 * `locale` becomes the page's `lang` (WCAG 3.1.1), so screen readers speak the right language.
 * @example
 * writeHtml(res, 200, renderPage('Hallo', `<h1>Hallo ${escapeHtml(name)}</h1>`, 'de'), pageCsp);
 */
export function renderPage(title: string, body: string, locale: Locale = defaultLocale): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${style}</style></head><body><main>${body}</main></body></html>`;
}
