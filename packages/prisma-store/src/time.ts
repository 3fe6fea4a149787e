/** Core counts time in epoch seconds; the database in timestamptz. */
export const toDate = (seconds: number): Date => new Date(seconds * 1000);
export const toSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
export const toOptionalDate = (seconds: number | null): Date | null => (seconds === null ? null : toDate(seconds));
export const toOptionalSeconds = (date: Date | null): number | null => (date === null ? null : toSeconds(date));
