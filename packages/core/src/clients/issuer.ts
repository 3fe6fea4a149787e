import type { Application } from './application.js';

/** The `iss` of an application's tokens (behaviour spec §2.5): per application unless it is global. */
export function issuerFor(application: Application, baseUrl: string): string {
  return application.issuerMode === 'global' ? `${baseUrl}/` : `${baseUrl}/application/o/${application.slug}/`;
}
