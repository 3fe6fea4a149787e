import type { KeyRecord } from '@gatehouse/core';
import type { ApplicationSettings } from './application-settings.js';

/**
 * What is wrong with the keys an application names, given what each key name is used for
 * (`undefined`: no such key). Empty when nothing is.
 */
export function applicationProblems(
  settings: Pick<ApplicationSettings, 'signing_key' | 'encryption_key' | 'client_type'>,
  keyUse: (name: string) => KeyRecord['use'] | undefined,
): string[] {
  const { signing_key: signing, encryption_key: encryption } = settings;
  return [
    ...[signing, encryption].filter((name): name is string => name !== null && keyUse(name) === undefined).map((name) => `unknown key ${name}`),
    ...(signing !== null && keyUse(signing) === 'enc' ? [`signing_key ${signing} is an encryption key`] : []),
    ...(encryption !== null && keyUse(encryption) === 'sig' ? [`encryption_key ${encryption} is a signing key`] : []),
    // HS256 needs a client secret to sign with; a public client has none.
    ...(signing === null && settings.client_type === 'public' ? ['a public client needs a signing_key'] : []),
  ];
}
