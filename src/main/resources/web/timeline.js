// A lead's activity timeline (GET /api/leads/{id}/timeline): daily summaries, manual notes, status changes,
// merges and identity changes, newest first, a page at a time through nextCursor.

import { $, el } from './dom.js';
import { pager } from './pager.js';
import { formatDateTime, formatDay, formatWhen } from './time.js';

const KIND_LABELS = {
  daily_summary: 'Daily summary',
  manual: 'Note',
  status_change: 'Status change',
  merge: 'Merge',
  identity_change: 'Identity change',
  handover: 'AI agent',
  ai_agent_summary: 'AI agent summary',
};

let leadId = null;
let onDelete = () => {};
let load;

export function initTimeline(deleteNote) {
  onDelete = deleteNote;
  load = pager({
    list: $('timeline'), state: $('timeline-state'), more: $('older-notes'), what: 'timeline',
    empty: 'Nothing on the timeline yet.', url: () => `/api/leads/${leadId}/timeline`, render: item,
    add: (list, nodes) => list.append(...nodes),
  });
}

export function showTimeline(id) {
  leadId = id;
  return load(true);
}

function item(note) {
  const when = note.kind === 'daily_summary' && note.day
    ? `${formatDay(note.day)}${note.partial ? ' (so far)' : ''}`
    : formatWhen(note.addedAt);
  const ai = note.generator
    ? el('span', { class: 'ai muted' }, `${note.generator}`,
      note.promptTokens || note.completionTokens ? ` · ${note.promptTokens ?? 0} in / ${note.completionTokens ?? 0} out tokens` : '')
    : null;
  const del = note.kind === 'manual'
    ? el('button', { type: 'button', class: 'link', testid: 'delete-note', on: { click: () => onDelete(note.id) } }, 'Delete')
    : null;
  return el('li', { class: `note kind-${note.kind}`, testid: 'timeline-item', data: { kind: note.kind, noteId: note.id } },
    el('div', { class: 'meta' },
      el('strong', {}, KIND_LABELS[note.kind] || note.kind),
      el('time', { datetime: note.day || note.addedAt, title: note.day ? null : formatDateTime(note.addedAt) }, when),
      el('span', { class: 'author muted' }, note.addedBy || ''),
      del),
    content(note),
    ai);
}

/**
 * A note's text. An identity change or a merge is told in words, without WhatsApp's ids: the service writes
 * them as "Phone changed from +62… to +62…; BSUID now ID.…; username @… (WhatsApp user_changed_number)" and
 * "Lead #12 (phone +62…, BSUID ID.…, status new) merged into this lead: …"; the note as written stays in
 * its details, for whoever needs the ids.
 */
function content(note) {
  const text = note.content || '';
  if (note.kind !== 'identity_change' && note.kind !== 'merge') return el('p', { class: 'content' }, text);
  const words = note.kind === 'identity_change' ? identityInWords(text) : withoutIds(text);
  return el('div', { class: 'content' },
    el('p', {}, words),
    words === text ? null : el('details', { class: 'small', testid: 'note-ids' }, el('summary', {}, 'As recorded, with WhatsApp ids'), el('p', {}, text)));
}

function identityInWords(text) {
  const told = text.replace(/\s*\([^()]*\)\s*$/, '');
  const parts = told.split('; ').map((part) => {
    let m = part.match(/^Phone changed from (\S+) to (\S+)$/);
    if (m) return `changed number from ${m[1]} to ${m[2]}`;
    m = part.match(/^Phone now (\S+)$/);
    if (m) return `number now ${m[1]}`;
    if (/^(Parent )?BSUID /.test(part)) return null;
    m = part.match(/^username (.+)$/);
    if (m) return `username ${m[1]}`;
    return part;
  }).filter(Boolean);
  if (!parts.length) return /BSUID/.test(told) ? 'WhatsApp changed its id for this customer' : told;
  const sentence = parts.join('; ');
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

function withoutIds(text) {
  return text.replace(/,?\s*(Parent )?BSUID [^,)\s]+/g, '').replace(/\(\s*,\s*/, '(');
}
