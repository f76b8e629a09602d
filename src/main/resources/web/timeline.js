// A lead's activity timeline (GET /api/leads/{id}/timeline): daily summaries, manual notes, status changes,
// merges and identity changes, newest first, a page at a time through nextCursor.

import { $, el } from './dom.js';
import { pager } from './pager.js';
import { formatDateTime, formatDay } from './time.js';

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
    : formatDateTime(note.addedAt);
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
      el('time', { datetime: note.day || note.addedAt }, when),
      el('span', { class: 'author muted' }, note.addedBy || ''),
      del),
    el('p', { class: 'content' }, note.content || ''),
    ai);
}
