import type { Application } from '../clients/application.js';

/** Registered applications (clients and their provider settings). */
export interface ApplicationStore {
  findByClientId(clientId: string): Promise<Application | null>;
  findBySlug(slug: string): Promise<Application | null>;
  /** By the internal id that grants and token records carry. */
  findById(id: string): Promise<Application | null>;
  /**
   * Every application, in no particular order. For indexes a process rebuilds now and then (the
   * CORS origins of the redirect URIs), never per request.
   */
  list(): Promise<Application[]>;
  /** Creates or replaces the application with the same id. */
  save(application: Application): Promise<void>;
  /**
   * First-use registration: stores `url` as a strict authorization redirect URI, but only when the
   * application has none yet (atomically), and returns the application as it is afterwards.
   */
  registerRedirectUri(applicationId: string, url: string): Promise<Application>;
  /**
   * Deletes the application with its remembered consents, and revokes at `at` every grant and
   * token record it issued, all or nothing: its tokens stop working even if an application with
   * the same client_id is created later. False when there is no application with this id.
   */
  delete(id: string, at: number): Promise<boolean>;
}
