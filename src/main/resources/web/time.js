// Dates and times in the workspace's time zone (GET /api/workspace), else the browser's.

let zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
let dateTime;
build();
// A local date is a day, not an instant: read and written in UTC, whatever the zone.
const dayOnly = new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });

function build() {
  dateTime = new Intl.DateTimeFormat(undefined, { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' });
}

export function useTimeZone(timeZone) {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone });
    zone = timeZone;
    build();
  } catch { /* an unknown zone: keep the browser's */ }
}

export function formatDateTime(iso) {
  return iso ? dateTime.format(new Date(iso)) : '';
}

/** A local date (2025-11-25), as a day: Tue, 25 Nov 2025. */
export function formatDay(isoDate) {
  return isoDate ? dayOnly.format(new Date(`${isoDate}T00:00:00Z`)) : '';
}

/** Today's date in the workspace's zone, yyyy-mm-dd. */
export function today() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
}
