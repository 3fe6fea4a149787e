/**
 * A minimal browser for end-to-end tests: a cookie jar, manual redirects and form submission by
 * field names, the way a person fills the login and consent pages.
 */
export interface Form {
  readonly action: string;
  readonly method: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly buttons: readonly { readonly name: string; readonly value: string }[];
}

const attribute = (tag: string, name: string): string | undefined => {
  const match = tag.match(new RegExp(`\\b${name}="([^"]*)"`, 'i'));
  return match?.[1]?.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
};

export class Browser {
  private readonly cookies = new Map<string, string>();

  async get(url: string | URL): Promise<Response> {
    return this.request(url, { method: 'GET' });
  }

  async request(url: string | URL, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    return response;
  }

  /** Follows redirects until a page is shown or the browser is sent to `stopAt` (the client's callback). */
  async follow(response: Response, from: string, stopAt: string): Promise<{ readonly page?: { readonly url: string; readonly html: string; readonly status: number }; readonly callback?: URL }> {
    let current = response;
    let url = from;
    for (let hops = 0; hops < 10; hops++) {
      const location = current.headers.get('location');
      if (current.status < 300 || current.status >= 400 || !location) {
        return { page: { url, html: await current.text(), status: current.status } };
      }
      url = new URL(location, url).href;
      if (url.startsWith(stopAt)) return { callback: new URL(url) };
      current = await this.get(url);
    }
    throw new Error(`too many redirects, last at ${url}`);
  }

  static forms(html: string, pageUrl: string): Form[] {
    return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map(([, open, inner]) => ({
      action: new URL(attribute(open!, 'action') ?? pageUrl, pageUrl).href,
      method: (attribute(open!, 'method') ?? 'GET').toUpperCase(),
      fields: Object.fromEntries(
        [...inner!.matchAll(/<input\b[^>]*>/gi)]
          .map(([tag]) => [attribute(tag, 'name'), attribute(tag, 'value') ?? ''] as const)
          .filter((entry): entry is readonly [string, string] => entry[0] !== undefined),
      ),
      buttons: [...inner!.matchAll(/<button\b[^>]*>/gi)]
        .map(([tag]) => ({ name: attribute(tag, 'name') ?? '', value: attribute(tag, 'value') ?? '' }))
        .filter((button) => button.name !== ''),
    }));
  }

  submit(form: Form, values: Readonly<Record<string, string>>): Promise<Response> {
    return this.request(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, ...values }),
    });
  }

  /**
   * Signs in and consents as a person would: on each page, fill the login form or press `allow`
   * on the consent form, until the browser lands on `callbackPrefix`.
   */
  async signInAndConsent(
    authorizationUrl: string,
    callbackPrefix: string,
    credentials: { readonly username: string; readonly password: string },
  ): Promise<{ readonly callback: URL; readonly pagesSeen: readonly string[]; readonly htmlSeen: readonly string[] }> {
    const pagesSeen: string[] = [];
    // The HTML of each page, in the order of `pagesSeen`.
    const htmlSeen: string[] = [];
    let step = await this.follow(await this.get(authorizationUrl), authorizationUrl, callbackPrefix);
    for (let pages = 0; pages < 5 && step.page; pages++) {
      const { url, html } = step.page;
      const forms = Browser.forms(html, url);
      const login = forms.find((form) => 'username' in form.fields && 'password' in form.fields);
      const consent = forms.find((form) => form.buttons.some((button) => button.name === 'decision' && button.value === 'allow'));
      let response: Response;
      if (login || consent) htmlSeen.push(html);
      if (login) {
        pagesSeen.push('login');
        response = await this.submit(login, credentials);
      } else if (consent) {
        pagesSeen.push('consent');
        response = await this.submit(consent, { decision: 'allow' });
      } else {
        throw new Error(`unexpected page (HTTP ${step.page.status}) at ${url}:\n${html.slice(0, 600)}`);
      }
      step = await this.follow(response, url, callbackPrefix);
    }
    if (!step.callback) throw new Error('the flow never reached the callback');
    return { callback: step.callback, pagesSeen, htmlSeen };
  }

  /**
   * The user's side of the device flow (RFC 8628 §3.3) as a person does it: open the verification
   * URI, sign in when asked, type the user code into `user_code` (or keep the one filled in when
   * `userCode` is undefined), press `decision` on the consent page; returns the pages seen and the
   * page it ends on.
   */
  async enterDeviceCode(
    verificationUri: string,
    userCode: string | undefined,
    credentials: { readonly username: string; readonly password: string },
    decision: 'allow' | 'deny' = 'allow',
  ): Promise<{ readonly pagesSeen: readonly string[]; readonly page: { readonly url: string; readonly html: string; readonly status: number } }> {
    const pagesSeen: string[] = [];
    // Nothing in this flow redirects to a client, so no URL is the callback.
    const noCallback = 'about:no-callback';
    let page = (await this.follow(await this.get(verificationUri), verificationUri, noCallback)).page!;
    for (let pages = 0; pages < 5; pages++) {
      const forms = Browser.forms(page.html, page.url);
      const login = forms.find((form) => 'username' in form.fields && 'password' in form.fields);
      const codeEntry = forms.find((form) => 'user_code' in form.fields);
      const consent = forms.find((form) => form.buttons.some((button) => button.name === 'decision' && button.value === decision));
      let response: Response;
      if (login) {
        pagesSeen.push('login');
        response = await this.submit(login, credentials);
      } else if (codeEntry) {
        pagesSeen.push('device');
        response = await this.submit(codeEntry, userCode === undefined ? {} : { user_code: userCode });
      } else if (consent) {
        pagesSeen.push('consent');
        response = await this.submit(consent, { decision });
      } else {
        return { pagesSeen, page };
      }
      page = (await this.follow(response, page.url, noCallback)).page!;
    }
    throw new Error(`the device flow did not end, last at ${page.url}`);
  }
}
