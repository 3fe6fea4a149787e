import { systemClock, type Application } from '@gatehouse/core';
import type { Command } from 'commander';
import type { ApplicationSettingsInput } from '../../admin/application-settings.js';
import { applicationView } from '../../admin/application-view.js';
import { deleteApplication } from '../../admin/delete-application.js';
import { registerApplication } from '../../admin/register-application.js';
import { requireApplication } from '../../admin/require-application.js';
import { rotateClientSecret } from '../../admin/rotate-client-secret.js';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../format-table.js';
import { collect } from './collect.js';

interface CreateOptions {
  readonly name?: string;
  readonly clientId?: string;
  readonly public?: boolean;
  readonly redirectUri: string[];
  readonly redirectUriRegex: string[];
  readonly logoutUri: string[];
  readonly scope: string[];
  readonly signingKey?: string;
  readonly encryptionKey?: string;
  // Commander hands over strings: the operation's schema checks them and names a wrong one.
  readonly authMethod?: ApplicationSettingsInput['token_endpoint_auth_method'];
  readonly consent?: ApplicationSettingsInput['consent'];
  readonly subMode?: ApplicationSettingsInput['sub_mode'];
}

const discoveryUrl = (publicUrl: string, slug: string) => `${publicUrl}/application/o/${slug}/.well-known/openid-configuration`;

function details(application: Application, publicUrl: string): string {
  const view = applicationView(application);
  const uris = view.redirect_uris.map((uri) => `${uri.url}${uri.matching_mode === 'regex' ? ' (regex)' : ''}${uri.type === 'logout' ? ' (logout)' : ''}`);
  return formatTable([
    ['slug', view.slug],
    ['name', view.name],
    ['id', view.id],
    ['client_id', view.client_id],
    ['client_type', view.client_type],
    ['auth method', view.token_endpoint_auth_method ?? ''],
    ['client secret', view.has_client_secret ? 'set (shown only when generated)' : 'none'],
    ['signing key', view.signing_key ?? 'HS256 with the client secret'],
    ['encryption key', view.encryption_key ?? 'none'],
    ['scopes', view.scopes.join(' ')],
    ...(uris.length > 0 ? uris.map((uri, i) => [i === 0 ? 'redirect URIs' : '', uri]) : [['redirect URIs', 'none (the first one used is registered)']]),
    ['consent', view.consent],
    ['sub mode', view.sub_mode],
    ['access tokens', `${view.access_token_validity} s`],
    ['refresh tokens', `${view.refresh_token_validity} s`],
    ['allowed groups', view.allowed_groups.length > 0 ? view.allowed_groups.join(', ') : 'everyone'],
    ['discovery', discoveryUrl(publicUrl, view.slug)],
  ]);
}

/** `gatehouse app create|list|show|rotate-secret|delete`. */
export function appCommands(program: Command, context: CliContext): void {
  const app = program.command('app').description('manage applications (OAuth clients)');

  app
    .command('create')
    .description('register an application; a confidential one gets a client secret, shown once')
    .argument('<slug>', 'the name in its URLs (lowercase letters, digits, - and _)')
    .option('--name <name>', 'display name (default: the slug)')
    .option('--client-id <id>', 'client_id (default: the slug)')
    .option('--public', 'a public client: no secret, PKCE (needs --signing-key)')
    .option('--redirect-uri <url>', 'an authorization redirect URI, compared exactly (repeatable)', collect, [])
    .option('--redirect-uri-regex <pattern>', 'a redirect URI pattern, anchored (repeatable)', collect, [])
    .option('--logout-uri <url>', 'a post-logout redirect URI (repeatable)', collect, [])
    .option('--scope <scope>', 'a scope it may receive (repeatable; default: openid profile email)', collect, [])
    .option('--signing-key <name>', 'the key that signs its tokens (default: HS256 with the client secret)')
    .option('--encryption-key <name>', 'an RSA-OAEP-256 key: its ID and access tokens become JWEs')
    .option('--auth-method <method>', 'client_secret_basic | client_secret_post | client_secret_jwt | private_key_jwt | none')
    .option('--consent <mode>', 'explicit | implicit | permanent | expiring')
    .option('--sub-mode <mode>', 'hashed_user_id | user_id | user_uuid | user_username | user_email | user_upn')
    .action(async (slug: string, options: CreateOptions) => {
      const redirectUris = [
        ...options.redirectUri.map((url) => ({ url })),
        ...options.redirectUriRegex.map((url) => ({ url, matching_mode: 'regex' as const })),
        ...options.logoutUri.map((url) => ({ url, type: 'logout' as const })),
      ];
      const { application, clientSecret } = await context.withStores((stores) =>
        registerApplication(stores, {
          slug,
          name: options.name ?? slug,
          client_id: options.clientId ?? slug,
          client_type: options.public ? 'public' : 'confidential',
          redirect_uris: redirectUris,
          ...(options.scope.length > 0 ? { scopes: options.scope } : {}),
          signing_key: options.signingKey ?? null,
          encryption_key: options.encryptionKey ?? null,
          token_endpoint_auth_method: options.authMethod,
          consent: options.consent,
          sub_mode: options.subMode,
        }),
      );
      const { env } = context.environment();
      const secretLine = clientSecret ? `\nclient_secret (shown once, store it now): ${clientSecret}\n` : '';
      context.print({ ...applicationView(application), ...(clientSecret ? { client_secret: clientSecret } : {}) }, `Created application ${slug}.\n${details(application, env.PUBLIC_URL)}${secretLine}`);
    });

  app
    .command('list')
    .description('list the applications')
    .action(async () => {
      const applications = (await context.withStores((stores) => stores.applications.list())).sort((a, b) => a.slug.localeCompare(b.slug));
      const rows = applications.map((a) => [a.slug, a.name, a.clientId, a.clientType, a.signingKey ?? 'HS256', String(a.redirectUris.length)]);
      context.print(
        applications.map(applicationView),
        rows.length > 0 ? formatTable(rows, ['SLUG', 'NAME', 'CLIENT_ID', 'TYPE', 'SIGNING_KEY', 'REDIRECT_URIS']) : 'No applications yet: gatehouse app create <slug>',
      );
    });

  app
    .command('show')
    .description('show an application (never its secret)')
    .argument('<slug>')
    .action(async (slug: string) => {
      const application = await context.withStores((stores) => requireApplication(stores, slug));
      context.print(applicationView(application), details(application, context.environment().env.PUBLIC_URL));
    });

  app
    .command('rotate-secret')
    .description('replace the client secret: the old one stops working at once; the new one is shown once')
    .argument('<slug>')
    .action(async (slug: string) => {
      const { application, clientSecret } = await context.withStores((stores) => rotateClientSecret(stores, slug));
      context.print(
        { slug, client_id: application.clientId, client_secret: clientSecret },
        `New client secret of ${slug} (client_id ${application.clientId}), shown once, store it now:\n${clientSecret}`,
      );
    });

  app
    .command('delete')
    .description('delete an application; its grants and tokens are revoked with it')
    .argument('<slug>')
    .option('--yes', 'do not ask for confirmation')
    .action(async (slug: string, options: { yes?: boolean }) => {
      if (!options.yes) throw new Error(`deleting ${slug} revokes every token it issued: add --yes to go ahead`);
      await context.withStores((stores) => deleteApplication(stores, slug, systemClock));
      context.print({ slug, deleted: true }, `Deleted application ${slug}; its grants and tokens are revoked.`);
    });
}
