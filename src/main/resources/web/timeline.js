// A lead's activity timeline (GET /api/leads/{id}/timeline): daily summaries, manual notes, status changes,
// merges and identity changes, newest first, a page at a time through nextCursor.

import { api, query } from './api.js';
import { $, el, clear, say } from './dom.js';
import { formatDateTime, formatDay } from './time.js';

const KIND_LABELS = {
  daily_summary: 'Daily summary',
  manual: 'Note',
  status_change: 'Status change',
  merge: 'Merge',
  identity_change: 'Identity change',
};

let leadId = null;
let cursor = null;
/** Bumped by every fresh showing, so that an answer to an older request is dropped, never appended twice. */
let generation = 0;
let onDelete = () => {};

export function initTimeline(deleteNote) {
  onDelete = deleteNote;
  $('older-notes').addEventListener('click', () => load(false));
}

export function showTimeline(id) {
  leadId = id;
  cursor = null;
  generation += 1;
  clear($('timeline'));
  return load(true);
}

async function load(fresh) {
  const id = leadId;
  const mine = generation;
  const state = $('timeline-state');
  say(state, 'Loading the timeline…');
  $('older-notes').hidden = true;
  try {
    const { data } = await api(`/api/leads/${id}/timeline${query({ cursor: fresh ? null : cursor })}`);
    if (mine !== generation) return;
    $('timeline').append(...data.items.map(item));
    cursor = data.nextCursor || null;
    $('older-notes').hidden = !cursor;
    say(state, $('timeline').children.length ? '' : 'Nothing on the timeline yet.');
  } catch (e) {
    if (mine === generation) say(state, `Could not load the timeline: ${e.message}`, true);
  }
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
