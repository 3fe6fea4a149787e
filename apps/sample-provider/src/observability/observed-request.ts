import type { RequestRecord } from '@gatehouse/express-router';

/**
 * A request the provider answered: the router's record, or one of the provider's own routes
 * (login, logout, health, metrics), named by its Express route pattern such as `/login`.
 */
export interface ObservedRequest extends Omit<RequestRecord, 'endpoint'> {
  readonly endpoint: string;
}
