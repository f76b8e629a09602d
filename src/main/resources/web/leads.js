// The lead list: newest activity first, one request for the first page (the API's default page size), more
// through nextCursor. Search, status and "active since" are the API's q, status and activeSince.

import { api, query } from './api.js';
import { $, el, clear, say, asWritten } from './dom.js';
import { formatDateTime } from './time.js';

let cursor = null;
let request = null;
let onOpen = () => {};
let debounce = 0;

export function initLeads(open) {
  onOpen = open;
  const filter = $('status-filter');
  $('search').addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => reload(), 250);
  });
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); reload(); });
  filter.addEventListener('change', () => reload());
  $('active-since').addEventListener('change', () => reload());
  $('load-more').addEventListener('click', () => load(false));
  $('lead-list').addEventListener('keydown', moveFocus);
  $('search').addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); focusRow(0); }
  });
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
}

function params() {
  return {
    q: $('search').value.trim(),
    status: $('status-filter').value,
    activeSince: $('active-since').value,
  };
}

async function load(fresh, page) {
  if (request) request.abort();
  const controller = new AbortController();
  request = controller;
  const list = $('lead-list');
  const filtered = Object.values(params()).some(Boolean);
  if (fresh) {
    cursor = null;
    clear(list);
  }
  say($('list-state'), 'Loading leads…');
  $('load-more').hidden = true;
  try {
    const data = page || (await api(`/api/leads${query({ ...params(), cursor })}`, { signal: controller.signal })).data;
    if (request !== controller) return;
    const rows = data.items.map(row);
    list.append(...rows);
    cursor = data.nextCursor || null;
    $('load-more').hidden = !cursor;
    if (!list.children.length) {
      say($('list-state'), filtered ? 'No leads match.'
        : 'No leads yet: send a webhook (see the README, "Try it"), then reload.');
    } else {
      say($('list-state'), '');
    }
  } catch (e) {
    if (e.name === 'AbortError') return;
    say($('list-state'), `Could not load the leads: ${e.message}`, true);
  } finally {
    if (request === controller) request = null;
  }
}

/** What identifies a lead to a person: its phone, else its username, else its BSUID. */
function handle(lead) {
  return asWritten(lead.phone || lead.username || lead.bsuid || '');
}

/** A lead's name as shown: the name it gave, else its handle, else its id. */
export function displayName(lead) {
  return asWritten(lead.name) || handle(lead) || `Lead ${lead.id}`;
}

function row(lead) {
  const button = el('button', {
    type: 'button', class: 'lead-row', testid: 'lead-row', data: { leadId: lead.id },
    on: { click: () => select(button, lead.id) },
  },
  el('span', { class: 'name' }, displayName(lead)),
  el('span', { class: `badge status-${lead.status}` }, lead.status),
  el('span', { class: 'who muted' }, handle(lead)),
  el('time', { class: 'when muted', datetime: lead.lastActivityAt }, formatDateTime(lead.lastActivityAt)));
  return el('li', {}, button);
}

/** Writes the rows' times again, once the workspace's time zone is known. */
export function retime() {
  for (const t of document.querySelectorAll('#lead-list time')) t.textContent = formatDateTime(t.getAttribute('datetime'));
}

function select(button, id) {
  for (const b of document.querySelectorAll('.lead-row[aria-current]')) b.removeAttribute('aria-current');
  button.setAttribute('aria-current', 'true');
  onOpen(id);
}

/** Shows a lead's new status and activity in its row (after a change in the panel). */
export function updateRow(lead) {
  const button = document.querySelector(`#lead-list .lead-row[data-lead-id="${Number(lead.id)}"]`);
  if (button) button.parentElement.replaceWith(row(lead));
  markOpen(lead.id);
}

/** Marks the row of lead id as open (after a reload of the list). */
function markOpen(id) {
  for (const b of document.querySelectorAll('.lead-row')) {
    if (b.dataset.leadId === String(id)) b.setAttribute('aria-current', 'true'); else b.removeAttribute('aria-current');
  }
}

function rows() {
  return [...document.querySelectorAll('#lead-list .lead-row')];
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
