// The lead panel: identity, status (only the transitions the contract's x-lead-workflow allows, sent with
// If-Match), message counts, the conversation, the timeline, manual notes and summaries by hand.

import { api, session } from './api.js';
import { $, el, clear, say, asWritten } from './dom.js';
import { formatDateTime, formatDay, today } from './time.js';
import { displayName } from './leads.js';
import { pager } from './pager.js';
import { initTimeline, showTimeline } from './timeline.js';

let workflow = {};
let lead = null;
let etag = null;
let loadMessages;
let onChanged = () => {};

export function initPanel(leadChanged) {
  onChanged = leadChanged;
  initTimeline(deleteNote);
  $('status-save').addEventListener('click', changeStatus);
  $('reload-lead').addEventListener('click', () => openLead(lead.id, true));
  loadMessages = pager({
    list: $('transcript'), state: $('transcript-state'), more: $('older-messages'), what: 'conversation',
    empty: 'No messages.', url: () => `/api/leads/${lead.id}/messages`, render: message,
    // Newest first from the API; a transcript reads oldest first, earlier pages go on top, and it opens at the end.
    add: (list, nodes) => list.prepend(...nodes.reverse()),
  });
  $('note-form').addEventListener('submit', addNote);
  $('summarise-yesterday').addEventListener('click', () => summarise(null));
  $('summarise-day').addEventListener('click', () => {
    const day = $('summary-day').value;
    if (!day) { say($('summary-message'), 'Choose a day first.', true); return; }
    summarise(day);
  });
}

/** From each status, the statuses it may move to: the contract's components.x-lead-workflow. */
export function useWorkflow(w) {
  workflow = w || {};
  if (lead) showStatus();
}

/** Opens lead id in the panel; reloaded: the same lead again, whose row then shows what changed. */
export function openLead(id, reloaded = false) {
  lead = { id };
  etag = null;
  $('lead-panel').hidden = false;
  document.body.classList.add('panel-open');
  $('panel-body').hidden = true;
  say($('status-message'), '');
  $('reload-lead').hidden = true;
  say($('summary-message'), '');
  $('summary-day').max = today();
  say($('panel-state'), 'Loading the lead…');
  return Promise.all([loadLead(id, reloaded), showMessages(), showTimeline(id)]);
}

export function closeLead() {
  lead = null;
  $('lead-panel').hidden = true;
  document.body.classList.remove('panel-open');
}

async function loadLead(id, reloaded) {
  try {
    const { data, headers } = await api(`/api/leads/${id}`);
    if (!lead || lead.id !== id) return;
    lead = data;
    etag = headers.get('ETag');
    showIdentity();
    showStatus();
    if (reloaded) onChanged(lead);
    say($('panel-state'), '');
    $('panel-body').hidden = false;
  } catch (e) {
    if (lead && lead.id === id) say($('panel-state'), `Could not load the lead: ${e.message}`, true);
  }
}

function showIdentity() {
  $('lead-name').textContent = displayName(lead);
  $('lead-phone').textContent = asWritten(lead.phone || lead.bsuid);
  $('lead-username').textContent = asWritten(lead.username);
  $('count-in').textContent = String(lead.messagesIn ?? 0);
  $('count-out').textContent = String(lead.messagesOut ?? 0);
}

function showStatus() {
  $('lead-status').textContent = lead.status || '';
  const next = workflow[lead.status] || [];
  const select = clear($('status-select'));
  select.append(el('option', { value: '', disabled: true, selected: true }, next.length ? 'move to…' : 'no next status'));
  for (const s of next) select.append(el('option', { value: s }, s));
  select.disabled = $('status-save').disabled = next.length === 0;
}

async function changeStatus() {
  const status = $('status-select').value;
  if (!status) return;
  const message = $('status-message');
  say(message, '');
  $('status-save').disabled = true;
  try {
    const body = { status };
    if (session.author) body.author = session.author;
    const { data, headers } = await api(`/api/leads/${lead.id}`, { method: 'PATCH', body, headers: { 'If-Match': etag } });
    lead = { ...lead, ...data };
    etag = headers.get('ETag');
    showIdentity();
    showStatus();
    await showTimeline(lead.id);
    onChanged(lead);
  } catch (e) {
    if (e.status === 409) {
      say(message, 'This lead changed since you opened it: reload it to see the change, then try again.', true);
      $('reload-lead').hidden = false;
    } else {
      say(message, `The status was not changed: ${e.message}`, true);
    }
  } finally {
    $('status-save').disabled = ($('status-select').options.length < 2);
  }
}

async function showMessages() {
  const list = $('transcript');
  if (await loadMessages(true)) list.scrollTop = list.scrollHeight;
}

function message(m) {
  const inbound = m.direction === 'inbound';
  const notes = [];
  if (m.type && m.type !== 'text') notes.push(m.type);
  if (m.editedAt) notes.push('edited');
  if (m.deletedAt) notes.push('deleted by the sender');
  if (!inbound && m.status) notes.push(m.status === 'failed' ? `not delivered${m.errorTitle ? `: ${m.errorTitle}` : ''}` : m.status);
  return el('li', { class: `msg ${inbound ? 'in' : 'out'}${m.deletedAt ? ' deleted' : ''}`, testid: 'message', data: { direction: m.direction } },
    el('p', { class: 'text' }, asWritten(m.text) || `[${m.type || 'message'}]`, m.textTruncated ? ' …' : ''),
    el('p', { class: 'meta muted' },
      el('span', { class: 'who' }, inbound ? 'Customer' : 'Us'), ' · ',
      el('time', { datetime: m.sentAt }, formatDateTime(m.sentAt)),
      notes.length ? ` · ${notes.join(' · ')}` : ''));
}

async function addNote(e) {
  e.preventDefault();
  const text = $('note-text');
  const content = text.value.trim();
  if (!content) return;
  $('add-note').disabled = true;
  try {
    const body = { content };
    if (session.author) body.author = session.author;
    await api(`/api/leads/${lead.id}/notes`, { method: 'POST', body });
    text.value = '';
    say($('summary-message'), '');
    await showTimeline(lead.id);
  } catch (err) {
    say($('summary-message'), `The note was not added: ${err.message}`, true);
  } finally {
    $('add-note').disabled = false;
  }
}

async function deleteNote(noteId) {
  try {
    await api(`/api/leads/${lead.id}/notes/${noteId}`, { method: 'DELETE' });
    say($('summary-message'), 'Note deleted.');
    await showTimeline(lead.id);
  } catch (err) {
    say($('summary-message'), `The note was not deleted: ${err.message}`, true);
  }
}

async function summarise(day) {
  const id = lead.id;
  const out = $('summary-message');
  const buttons = [$('summarise-yesterday'), $('summarise-day')];
  buttons.forEach((b) => { b.disabled = true; });
  say(out, `Summarising ${day ? formatDay(day) : 'yesterday'}…`);
  try {
    const body = { leadId: id };
    if (day) body.date = day;
    let { status, data } = await api('/api/summaries/run', { method: 'POST', body });
    // With a leadId the API answers the finished run (200); a 202 is a run still going: follow it.
    for (let i = 0; status === 202 && data.status === 'running' && i < 60; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      ({ status, data } = await api(`/api/summaries/runs/${data.id}`));
    }
    if (lead && lead.id === id) {
      say(out, runText(data), data.status !== 'completed');
      await showTimeline(id);
    }
  } catch (err) {
    say(out, `The summary was not made: ${err.message}`, true);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

function runText(run) {
  const days = run.firstDay === run.lastDay ? formatDay(run.firstDay) : `${formatDay(run.firstDay)} to ${formatDay(run.lastDay)}`;
  if (run.status !== 'completed') return `The summary run for ${days} ended ${run.status}${run.error ? `: ${run.error}` : ''}.`;
  const written = (run.notesWritten || 0) + (run.notesRewritten || 0);
  if (written) return `Summarised ${days}: ${written} note${written > 1 ? 's' : ''} written.`;
  if (run.failed) return `Summarising ${days} failed; retry later.`;
  return `Nothing new to summarise for ${days} (no messages that day, or the summary is up to date).`;
}
