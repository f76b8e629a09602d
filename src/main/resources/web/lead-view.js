// How a lead is told to a salesperson, the same in the list, on the board and in the panel: its name, how to
// reach it, its last message, how long it has waited for an answer, its status pill.

import { el, asWritten } from './dom.js';
import { formatSpan } from './time.js';

let replyTargetMinutes = 60;

/** The workspace's reply target (GET /api/workspace replyTargetMinutes), for a lead that does not say overdue. */
export function useReplyTarget(minutes) {
  if (Number.isInteger(minutes) && minutes > 0) replyTargetMinutes = minutes;
}

/**
 * What identifies a lead to a person: its phone, else its @username. Never its BSUID: that is WhatsApp's
 * id for a customer whose number it withholds, meaningless to read (the panel keeps it in its details).
 */
export function handle(lead) {
  return asWritten(lead.phone || lead.username || '');
}

/** A lead's name as shown: the name it gave, else its @username, else its phone, else its id. */
export function displayName(lead) {
  return asWritten(lead.name) || asWritten(lead.username) || asWritten(lead.phone) || `Lead ${lead.id}`;
}

/** The last message in a line: "You: ..." for ours, the media type for media without a caption. */
export function preview(lead) {
  const m = lead.lastMessage;
  if (!m) return '';
  const what = m.deleted ? 'deleted message' : asWritten(m.text) || `[${m.type || 'message'}]`;
  return m.direction === 'outbound' ? `You: ${what}` : what;
}

/** Milliseconds the lead has waited for an answer, or null when it is not waiting. */
export function waitingFor(lead, now = Date.now()) {
  return lead.awaitingReplySince ? Math.max(0, now - new Date(lead.awaitingReplySince).getTime()) : null;
}

/** Waiting longer than the workspace's target: the server says so (overdue); else the target read here decides. */
export function isOverdue(lead, now = Date.now()) {
  const waited = waitingFor(lead, now);
  if (waited === null) return false;
  return typeof lead.overdue === 'boolean' ? lead.overdue : waited > replyTargetMinutes * 60000;
}

/** "waiting 2 h" (red past the target), or null when the lead is not waiting. */
export function waitingMarker(lead) {
  const waited = waitingFor(lead);
  if (waited === null) return null;
  const overdue = isOverdue(lead);
  return el('span', {
    class: `waiting${overdue ? ' overdue' : ''}`, testid: 'waiting', data: { overdue: String(overdue) },
    title: overdue ? 'Waiting longer than the reply target' : 'Waiting for an answer',
  }, `waiting ${formatSpan(waited)}`);
}

export function statusPill(status) {
  return el('span', { class: `badge status-${status}`, testid: 'status-pill' }, status || '');
}

/**
 * Waiting leads first, the longest waiting first; then the others, the latest activity first. Without the
 * server's awaitingReplySince every lead sorts by activity, as the list API answers.
 */
export function inboxOrder(a, b) {
  const wa = a.awaitingReplySince, wb = b.awaitingReplySince;
  if (wa && wb) return new Date(wa) - new Date(wb) || b.id - a.id;
  if (wa) return -1;
  if (wb) return 1;
  return new Date(b.lastActivityAt) - new Date(a.lastActivityAt) || b.id - a.id;
}

/**
 * A daily summary's fields (the API's StructuredNote) as a description list: intent and sentiment, the next step,
 * the open questions, the topics; a field the note does not have (the offline summariser leaves some null) is left
 * out. Null when the note has none.
 */
export function summaryFields(structured) {
  if (!structured) return null;
  const rows = [];
  const row = (name, testid, value) => {
    if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return;
    const shown = Array.isArray(value)
      ? el('ul', {}, value.map((item) => el('li', {}, asWritten(item))))
      : asWritten(value);
    rows.push(el('dt', {}, name), el('dd', { testid }, shown));
  };
  row('Intent', 'summary-intent', structured.intent);
  row('Sentiment', 'summary-sentiment', structured.sentiment);
  row('Next step', 'summary-next-step', structured.nextStep);
  row('Open questions', 'summary-open-questions', structured.openQuestions);
  row('Topics', 'summary-topics', Array.isArray(structured.topics) ? structured.topics.join(', ') : null);
  return rows.length ? rows : null;
}

/** Who wrote a daily summary, and why offline when it was: "by offline (LLM budget spent)". */
export function summaryAuthor(note) {
  const by = note.generator || note.addedBy;
  if (!by) return '';
  const why = { budget: 'LLM budget of the day spent', no_api_key: 'no LLM configured' }[note.offlineReason];
  return `by ${by}${why ? ` (${why})` : ''}`;
}
