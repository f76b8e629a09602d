// Dates and times in the workspace's locale and time zone (GET /api/workspace: locale, timeZone), else the
// browser's. Within the last seven days an instant is also told relative to now ("2 hours ago"), in that locale.

const WEEK_MS = 7 * 24 * 3600 * 1000;

let zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
let locale = navigator.language || 'en';
let dateTime;
let dayOnly;
let relative;
build();

function build() {
  dateTime = new Intl.DateTimeFormat(locale, { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' });
  // A local date is a day, not an instant: read and written in UTC, whatever the zone.
  dayOnly = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
  relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
}

/** The workspace's time zone and locale; an unknown one (or none) keeps what is in use. */
export function useWorkspace({ timeZone, locale: wanted } = {}) {
  if (timeZone) {
    try { new Intl.DateTimeFormat(undefined, { timeZone }); zone = timeZone; } catch { /* unknown zone */ }
  }
  if (wanted) {
    try { locale = Intl.getCanonicalLocales(wanted)[0]; } catch { /* malformed tag */ }
  }
  build();
}

export function currentLocale() {
  return locale;
}

export function formatDateTime(iso) {
  return iso ? dateTime.format(new Date(iso)) : '';
}

/** A local date (2025-11-25), as a day: Tue, Nov 25, 2025 (en-US), Sel, 25 Nov 2025 (id-ID). */
export function formatDay(isoDate) {
  return isoDate ? dayOnly.format(new Date(`${isoDate}T00:00:00Z`)) : '';
}

/** An instant of the last seven days relative to now ("2 hr. ago"), an older one as a date and time. */
export function formatWhen(iso, now = Date.now()) {
  if (!iso) return '';
  const ago = now - new Date(iso).getTime();
  if (ago < 0 || ago >= WEEK_MS) return formatDateTime(iso);
  return relativeTo(ago);
}

function relativeTo(ms) {
  const minutes = Math.floor(ms / 60000);
  if (minutes < 1) return relative.format(0, 'second');
  if (minutes < 60) return relative.format(-minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return relative.format(-hours, 'hour');
  return relative.format(-Math.floor(hours / 24), 'day');
}

/** A span of time, short, in the locale: 40 s, 5 min, 2 h, 3 d (the largest whole unit). */
export function formatSpan(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  const [value, unit] = seconds < 60 ? [seconds, 'second'] : minutes < 60 ? [minutes, 'minute']
    : minutes < 1440 ? [Math.floor(minutes / 60), 'hour'] : [Math.floor(minutes / 1440), 'day'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'narrow' }).format(value);
}

/** Today's date in the workspace's zone, yyyy-mm-dd. */
export function today() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
}
