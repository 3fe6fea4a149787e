import type { Application } from '@gatehouse/core';
import { applicationSettingsSchema, type ApplicationSettings } from './application-settings.js';
import { applicationView } from './application-view.js';

/** The settings a stored application has now (without its secret): the base an update changes. */
export function settingsOf(application: Application): ApplicationSettings {
  const { id: _id, has_client_secret: _hasSecret, ...settings } = applicationView(application);
  return applicationSettingsSchema.parse(settings);
}
