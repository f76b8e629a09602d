// The inbox: who is waiting for an answer. Each row is the lead's name, its last message, a relative time, how
// long it has waited (red past the workspace's target) and its status. Waiting leads first, the longest
// waiting first (the API's awaitingReply=true), then the rest by activity, a page (the API's default page
// size) at a time through nextCursor. Search, status and "active since" are the API's q, status and
// activeSince; "needs a reply" stops after the waiting leads. While the tab is visible the first page is asked
// for again every 15 s with If-None-Match: a 304 (nothing changed) costs nothing more.

import { api, query } from './api.js';
import { $, el, clear, say } from './dom.js';
import { formatDateTime, formatWhen } from './time.js';
import { displayName, handle, preview, waitingMarker, statusPill, inboxOrder } from './lead-view.js';

const POLL_MS = 15000;

let cursor = null;
let request = null;
let onOpen = () => {};
let debounce = 0;
let shown = [];
let listTag = null;
let openId = null;
let poller = 0;
// Each lead's row as last drawn, and the data it was drawn from: a row whose lead did not change is moved, not
// drawn again (it keeps its focus and hover, and whoever holds it still holds the row shown).
const drawn = new Map();

export function initLeads(open) {
  onOpen = open;
  $('search').addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => reload(), 250);
  });
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); reload(); });
  $('status-filter').addEventListener('change', () => reload());
  $('needs-reply').addEventListener('change', () => reload());
  $('active-since').addEventListener('change', () => reload());
  $('load-more').addEventListener('click', () => load(false));
  $('lead-list').addEventListener('keydown', moveFocus);
  $('search').addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); focusRow(0); }
  });
  document.addEventListener('visibilitychange', schedulePoll);
}

/** The status filter's options, once the contract's statuses are known. */
export function addStatuses(statuses) {
  const filter = $('status-filter');
  for (const s of statuses) if (![...filter.options].some((o) => o.value === s)) filter.append(el('option', { value: s }, s));
}

/** The list from its first page; firstPage: that page as already fetched (at sign-in), else one request. */
export function reload(firstPage) {
  return load(true, firstPage);
}

export function resetFilters() {
  $('search').value = '';
  $('status-filter').value = '';
  $('active-since').value = '';
  $('needs-reply').checked = false;
  stopPolling();
}

/** The filters as the list API's parameters (awaitingReply apart: the list reads waiting leads first anyway). */
function params() {
  return {
    q: $('search').value.trim(),
    status: $('status-filter').value,
    activeSince: $('active-since').value,
  };
}

function waitingOnly() {
  return $('needs-reply').checked;
}

/** The request that reads the waiting leads (longest waiting first), and the one that reads the rest. */
export function waitingUrl(cursorOf) {
  return `/api/leads${query({ ...params(), awaitingReply: 'true', cursor: cursorOf })}`;
}

function restUrl(cursorOf) {
  return `/api/leads${query({ ...params(), awaitingReply: 'false', cursor: cursorOf })}`;
}

// The list reads in two runs: first the waiting leads, longest waiting first (awaitingReply=true), a page at a
// time; once they are all read, the others by activity (a waiting lead met there again was read already).
// phase: waiting, rest, done (nothing more to read).
let phase = 'waiting';

async function load(fresh, page) {
  if (request) request.abort();
  const controller = new AbortController();
  request = controller;
  if (fresh) {
    cursor = null;
    phase = 'waiting';
    shown = [];
    listTag = null;
    drawn.clear();
    clear($('lead-list'));
  }
  say($('list-state'), 'Loading leads…');
  $('load-more').hidden = true;
  try {
    const read = async (url) => {
      const answer = await api(url, { signal: controller.signal });
      if (!listTag) listTag = answer.headers.get('ETag');
      return answer.data;
    };
    if (phase === 'waiting') {
      const data = page && page.items ? page : await read(waitingUrl(cursor));
      if (request !== controller) return;
      shown = merge(shown, data.items);
      cursor = data.nextCursor || null;
      // Every waiting lead is in: the rest follow on the same showing, not after another click.
      if (!cursor) phase = waitingOnly() ? 'done' : 'rest';
    }
    // The others (awaitingReply=false), by activity: a lead answered since the waiting run was read is there
    // once only.
    if (phase === 'rest') {
      const data = await read(restUrl(cursor));
      if (request !== controller) return;
      const known = new Set(shown.map((l) => l.id));
      shown = merge(shown, data.items.filter((l) => !known.has(l.id)));
      cursor = data.nextCursor || null;
      if (!cursor) phase = 'done';
    }
    render();
  } catch (e) {
    if (e.name === 'AbortError') return;
    say($('list-state'), `Could not load the leads: ${e.message}`, true);
  } finally {
    if (request === controller) request = null;
    schedulePoll();
  }
}

/** The leads shown and a newer page of them: one row per lead, the newer one winning. */
function merge(old, newer) {
  const byId = new Map(old.map((l) => [l.id, l]));
  for (const l of newer) byId.set(l.id, l);
  return [...byId.values()];
}

function render() {
  const list = $('lead-list');
  const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest('#lead-list .lead-row');
  const focusedId = focused ? focused.dataset.leadId : null;
  const wanted = waitingOnly();
  const items = shown.filter((l) => !wanted || l.awaitingReplySince);
  items.sort(inboxOrder);
  list.replaceChildren(...items.map(rowOf));
  markOpen(openId);
  $('load-more').hidden = phase === 'done';
  if (focusedId) focusRowOf(focusedId);
  const filtered = wanted || Object.values(params()).some(Boolean);
  if (!list.children.length) {
    say($('list-state'), wanted && !$('search').value && !$('status-filter').value ? 'Nobody is waiting for an answer.'
      : filtered ? 'No leads match.' : 'No leads yet: send a webhook (see the README, "Try it"), then reload.');
  } else {
    say($('list-state'), '');
  }
}

function rowOf(lead) {
  const data = JSON.stringify(lead);
  const known = drawn.get(lead.id);
  if (known && known.data === data) return known.node;
  const node = row(lead);
  drawn.set(lead.id, { data, node });
  return node;
}

function row(lead) {
  const last = lead.lastMessage;
  const at = last && last.at ? last.at : lead.lastActivityAt;
  const button = el('button', {
    type: 'button', class: 'lead-row', testid: 'lead-row', data: { leadId: lead.id, status: lead.status },
    'aria-current': lead.id === openId ? 'true' : null,
    on: { click: () => select(button, lead.id) },
  },
  el('span', { class: 'name' }, displayName(lead)),
  el('time', { class: 'when muted', datetime: at, title: formatDateTime(at) }, formatWhen(at)),
  el('span', { class: 'preview', testid: 'preview' }, preview(lead)),
  statusPill(lead.status),
  el('span', { class: 'who muted' }, handle(lead) === displayName(lead) ? '' : handle(lead)),
  waitingMarker(lead));
  return el('li', {}, button);
}

/** Writes the rows' times and waiting markers again: the workspace's zone and locale came, or time went by. */
export function retime() {
  const byId = new Map(shown.map((l) => [String(l.id), l]));
  for (const button of rows()) {
    const t = button.querySelector('time');
    const at = t.getAttribute('datetime');
    t.textContent = formatWhen(at);
    t.title = formatDateTime(at);
    const lead = byId.get(button.dataset.leadId);
    const marker = button.querySelector('[data-testid=waiting]');
    if (marker && lead) marker.replaceWith(waitingMarker(lead));
  }
}

function select(button, id) {
  for (const b of document.querySelectorAll('.lead-row[aria-current]')) b.removeAttribute('aria-current');
  button.setAttribute('aria-current', 'true');
  openId = id;
  onOpen(id);
}

/** No lead open any more (the panel closed). */
export function clearOpen() {
  openId = null;
  for (const b of document.querySelectorAll('.lead-row[aria-current]')) b.removeAttribute('aria-current');
}

/** A lead changed on this page (its status): its row shows it, in its new place; gone when it no longer matches. */
export function updateRow(lead) {
  const at = shown.findIndex((l) => l.id === lead.id);
  if (at < 0) return;
  const status = $('status-filter').value;
  if (status && lead.status !== status) shown.splice(at, 1);
  else shown[at] = { ...shown[at], ...pick(lead) };
  render();
}

/** The fields of a single lead (GET or PATCH /api/leads/{id}) that a row shows. */
function pick(lead) {
  const fields = ['status', 'name', 'phone', 'username', 'lastActivityAt', 'lastMessage', 'awaitingReplySince', 'overdue'];
  return Object.fromEntries(fields.filter((f) => f in lead).map((f) => [f, lead[f]]));
}

/** Opens lead id as if its row were clicked (from the board), keeping the row marked. */
export function markOpen(id) {
  openId = id;
  for (const b of document.querySelectorAll('.lead-row')) {
    if (b.dataset.leadId === String(id)) b.setAttribute('aria-current', 'true'); else b.removeAttribute('aria-current');
  }
}

// --- new messages without a reload

function schedulePoll() {
  clearTimeout(poller);
  if (document.visibilityState === 'visible' && !$('app-view').hidden) poller = setTimeout(poll, POLL_MS);
}

function stopPolling() {
  clearTimeout(poller);
  poller = 0;
}

/**
 * The waiting leads' first page again, with If-None-Match (the ETag marks the whole workspace): 304, nothing
 * changed, and nothing more is asked. Else that page and the others' first page replace what they show.
 */
export async function poll() {
  // A timer set while the tab was in sight may fire after it left: the tab coming back starts polling again.
  if (document.visibilityState !== 'visible') return;
  if (request || $('app-view').hidden) { schedulePoll(); return; }
  const controller = new AbortController();
  request = controller;
  try {
    const headers = listTag ? { 'If-None-Match': listTag } : {};
    const waiting = await api(waitingUrl(null), { signal: controller.signal, headers });
    if (request !== controller) return;
    if (waiting.status === 304) { retime(); return; }
    listTag = waiting.headers.get('ETag');
    const rest = waitingOnly() ? { items: [] } : (await api(restUrl(null), { signal: controller.signal })).data;
    if (request !== controller) return;
    const fresh = [...waiting.data.items, ...rest.items.filter((l) => !l.awaitingReplySince)];
    const freshIds = new Set(fresh.map((l) => l.id));
    // With every waiting lead on the page read, one shown as waiting that is not there waits no more.
    const complete = !waiting.data.nextCursor;
    shown = merge(shown.filter((l) => !freshIds.has(l.id) && !(complete && l.awaitingReplySince)), fresh);
    render();
  } catch (e) {
    if (e.name !== 'AbortError' && e.status !== 401) say($('list-state'), `Could not refresh the leads: ${e.message}`, true);
  } finally {
    if (request === controller) request = null;
    schedulePoll();
  }
}

function rows() {
  return [...document.querySelectorAll('#lead-list .lead-row')];
}

function focusRowOf(id) {
  const b = rows().find((r) => r.dataset.leadId === String(id));
  if (b) b.focus();
}

export function focusRow(index) {
  const all = rows();
  if (all.length) all[Math.max(0, Math.min(index, all.length - 1))].focus();
}

function moveFocus(e) {
  const all = rows();
  const at = all.indexOf(document.activeElement);
  if (at < 0) return;
  if (e.key === 'ArrowDown') { e.preventDefault(); focusRow(at + 1); }
  else if (e.key === 'ArrowUp') {
    e.preventDefault();
    if (at === 0) $('search').focus(); else focusRow(at - 1);
  } else if (e.key === 'Home') { e.preventDefault(); focusRow(0); }
  else if (e.key === 'End') { e.preventDefault(); focusRow(all.length - 1); }
  // Enter: the focused button's own click opens the lead.
}
