// The lead panel: who it is and how to reach them (WhatsApp), its status in one choice (only the transitions
// the contract's x-lead-workflow allows, applied at once with If-Match), the latest AI summary pinned on top,
// then the conversation, then the timeline with manual notes and summaries by hand.

import { api, session } from './api.js';
import { $, el, clear, say, asWritten } from './dom.js';
import { formatDateTime, formatDay, formatWhen, today } from './time.js';
import { displayName, statusPill, summaryFields, summaryAuthor } from './lead-view.js';
import { pager } from './pager.js';
import { initTimeline, showTimeline } from './timeline.js';
import { nextStatuses, moveLead, isStale, onLeadChanged } from './workflow.js';

let lead = null;
let etag = null;
// The lead whose status this panel is changing: its own change needs no second read.
let moving = null;
let loadMessages;

export function initPanel() {
  initTimeline(deleteNote);
  $('status-select').addEventListener('change', changeStatus);
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
  $('summarise-again').addEventListener('click', () => summarise($('pinned-summary-day').getAttribute('datetime'), true));
  // A move made elsewhere on the page (the board) of the lead shown here: show it, with its new version.
  onLeadChanged((changed) => {
    if (lead && changed.id === lead.id && changed.id !== moving && changed.version !== lead.version) loadLead(lead.id);
  });
}

/** The workflow is known (the contract arrived after the lead): offer its moves. */
export function refreshStatus() {
  if (lead && lead.status) showStatus();
}

/** Opens lead id in the panel. */
export function openLead(id) {
  lead = { id };
  etag = null;
  $('lead-panel').hidden = false;
  document.body.classList.add('panel-open');
  $('panel-body').hidden = true;
  say($('status-message'), '');
  say($('summary-message'), '');
  $('summary-day').max = today();
  say($('panel-state'), 'Loading the lead…');
  return Promise.all([loadLead(id), showMessages(), showTimeline(id), showPinnedSummary(id)]);
}

export function closeLead() {
  lead = null;
  $('lead-panel').hidden = true;
  document.body.classList.remove('panel-open');
}

export function openLeadId() {
  return lead ? lead.id : null;
}

async function loadLead(id) {
  try {
    const { data, headers } = await api(`/api/leads/${id}`);
    if (!lead || lead.id !== id) return null;
    lead = data;
    etag = headers.get('ETag');
    showIdentity();
    showStatus();
    say($('panel-state'), '');
    $('panel-body').hidden = false;
    return data;
  } catch (e) {
    if (lead && lead.id === id) say($('panel-state'), `Could not load the lead: ${e.message}`, true);
    return null;
  }
}

function showIdentity() {
  $('lead-name').textContent = displayName(lead);
  $('lead-phone').textContent = asWritten(lead.phone);
  // the @username once: beside the name, or as the heading when there is no name
  $('lead-username').textContent = lead.name ? asWritten(lead.username) : '';
  const pill = $('lead-status');
  pill.className = statusPill(lead.status).className;
  pill.textContent = lead.status || '';
  $('message-counts').textContent = countsInWords(lead.messagesIn ?? 0, lead.messagesOut ?? 0);
  // wa.me takes the number's digits only, without + or spaces.
  const digits = (lead.phone || '').replace(/\D/g, '');
  const link = $('open-whatsapp');
  link.hidden = !digits;
  if (digits) link.href = `https://wa.me/${digits}`; else link.removeAttribute('href');
  $('no-whatsapp').hidden = !!digits;
  // A BSUID is WhatsApp's id, not something a person reads: kept here for support and for searching.
  $('lead-ids').hidden = !lead.bsuid && !lead.parentBsuid;
  $('lead-bsuid').textContent = lead.bsuid || '';
  $('lead-parent-bsuid').textContent = lead.parentBsuid || '';
  $('lead-parent-bsuid').hidden = $('lead-parent-bsuid-label').hidden = !lead.parentBsuid;
}

/** "3 messages from them, 1 reply": what the conversation holds, in words. */
function countsInWords(inbound, outbound) {
  const from = `${inbound} message${inbound === 1 ? '' : 's'} from them`;
  const replies = outbound === 0 ? 'no reply yet' : `${outbound} repl${outbound === 1 ? 'y' : 'ies'}`;
  return `${from}, ${replies}`;
}

/** The status menu: the current status, then the moves the workflow allows from it; choosing one applies it. */
function showStatus() {
  const next = nextStatuses(lead.status);
  const select = clear($('status-select'));
  select.append(el('option', { value: lead.status, selected: true }, lead.status));
  for (const s of next) select.append(el('option', { value: s }, `move to ${s}`));
  select.disabled = next.length === 0;
}

async function changeStatus() {
  const status = $('status-select').value;
  if (!status || status === lead.status) return;
  const message = $('status-message');
  const select = $('status-select');
  const id = lead.id;
  say(message, '');
  select.disabled = true;
  moving = id;
  try {
    const moved = await moveLead(id, status, etag);
    if (!lead || lead.id !== id) return;
    lead = { ...lead, ...moved.lead };
    etag = moved.etag;
    showIdentity();
    showStatus();
    await showTimeline(id);
  } catch (e) {
    if (!lead || lead.id !== id) return;
    if (isStale(e)) {
      // Someone else changed it since it was read: show what it is now, and say so.
      const newer = await loadLead(id);
      say(message, newer
        ? `Not changed: this lead was changed meanwhile and is now ${newer.status}. Choose again if it should still move.`
        : 'Not changed: this lead was changed meanwhile. Reopen it to see how it is now.', true);
      await showTimeline(id);
    } else {
      say(message, `The status was not changed: ${e.message}`, true);
      showStatus();
    }
  } finally {
    moving = null;
  }
}

/**
 * The latest daily summary of the lead, on top of the panel: its day, who wrote it (the generator, and why offline),
 * its text and its fields (intent, sentiment, next step, open questions, topics).
 */
async function showPinnedSummary(id) {
  const state = $('pinned-summary-state');
  say(state, 'Loading the summary…');
  $('pinned-summary-body').hidden = true;
  try {
    const { data } = await api(`/api/leads/${id}/timeline?kind=daily_summary&limit=1`);
    if (!lead || lead.id !== id) return;
    const note = data.items[0];
    if (!note) {
      say(state, 'No summary yet: "Summarise yesterday" below writes one for a day with messages.');
      return;
    }
    const day = $('pinned-summary-day');
    day.setAttribute('datetime', note.day || '');
    day.textContent = `${formatDay(note.day)}${note.partial ? ' (so far)' : ''}`;
    $('pinned-summary-by').textContent = summaryAuthor(note);
    $('pinned-summary-text').textContent = note.content || '';
    const fields = summaryFields(note.structured);
    $('pinned-summary-fields').replaceChildren(...(fields || []));
    $('pinned-summary-fields').hidden = !fields;
    say($('pinned-summary-unstructured'), note.unstructuredReason ? 'The AI did not answer in the note\'s fields; its text is shown as it came.' : '');
    $('summarise-again').hidden = !note.day;
    say(state, '');
    $('pinned-summary-body').hidden = false;
  } catch (e) {
    if (lead && lead.id === id) say(state, `Could not load the summary: ${e.message}`, true);
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
      el('time', { datetime: m.sentAt, title: formatDateTime(m.sentAt) }, formatWhen(m.sentAt)),
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

async function summarise(day, force = false) {
  const id = lead.id;
  // Summarise again answers beside the pinned summary, where it was asked.
  const out = force ? $('pinned-summary-state') : $('summary-message');
  const buttons = [$('summarise-yesterday'), $('summarise-day'), $('summarise-again')];
  buttons.forEach((b) => { b.disabled = true; });
  say(out, `Summarising ${day ? formatDay(day) : 'yesterday'}…`);
  try {
    const body = { leadId: id };
    if (day) body.date = day;
    // again: the day is written anew, even when nothing changed since its summary
    if (force) body.force = true;
    let { status, data } = await api('/api/summaries/run', { method: 'POST', body });
    // With a leadId the API answers the finished run (200); a 202 is a run still going: follow it.
    for (let i = 0; status === 202 && data.status === 'running' && i < 60; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      ({ status, data } = await api(`/api/summaries/runs/${data.id}`));
    }
    if (lead && lead.id === id) {
      await Promise.all([showTimeline(id), showPinnedSummary(id)]);
      say(out, runText(data), data.status !== 'completed');
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
