// The pipeline board: a column per status, in the contract's order, each with its count and its leads as
// cards (name, last message, waiting marker), a page at a time through the list API's cursor. A card moves by
// dragging it onto a column the workflow allows from its status (the others are no drop target), or from the
// keyboard with its "Move to" menu; either way with If-Match, and a change made meanwhile is said, not lost.

import { api, query } from './api.js';
import { $, el, clear, say } from './dom.js';
import { displayName, preview, waitingMarker } from './lead-view.js';
import { allStatuses, nextStatuses, moveLead, isStale } from './workflow.js';
import { readOverview } from './overview.js';

const columns = new Map();
let onOpen = () => {};
let dragged = null;

export function initBoard(open) {
  onOpen = open;
}

/** Builds the columns (once the contract's statuses are known) and loads each one's first page and the counts. */
export async function showBoard() {
  const board = $('board');
  if (!allStatuses().length) {
    say($('board-state'), 'Loading the workflow…');
    return;
  }
  if (columns.size !== allStatuses().length) {
    clear(board);
    columns.clear();
    for (const status of allStatuses()) board.append(column(status));
  }
  say($('board-state'), '');
  await Promise.all([...columns.keys()].map((s) => loadColumn(s, true)).concat(recount()));
}

function column(status) {
  const title = el('span', { class: 'title' }, status);
  const count = el('span', { class: 'count muted', testid: 'column-count' });
  const list = el('ol', { class: 'cards', 'aria-label': `${status} leads` });
  const more = el('button', { type: 'button', class: 'more', hidden: true }, 'Load more');
  const state = el('p', { class: 'state small' });
  const section = el('section', {
    class: 'column', testid: 'column', data: { status }, 'aria-label': status,
    on: { dragover: (e) => over(e, status), dragleave: () => section.classList.remove('drop-over'), drop: (e) => drop(e, status) },
  }, el('h3', {}, title, ' ', count), list, state, more);
  more.addEventListener('click', () => loadColumn(status, false));
  columns.set(status, { section, list, count, more, state, cursor: null, loaded: 0 });
  return section;
}

async function loadColumn(status, fresh) {
  const c = columns.get(status);
  if (fresh) { c.cursor = null; c.loaded = 0; }
  c.more.hidden = true;
  say(c.state, 'Loading…');
  try {
    const { data } = await api(`/api/leads${query({ status, cursor: c.cursor })}`);
    if (fresh) clear(c.list);
    c.list.append(...data.items.map(card));
    c.loaded = c.list.children.length;
    c.cursor = data.nextCursor || null;
    c.more.hidden = !c.cursor;
    say(c.state, c.loaded ? '' : 'No leads.');
    if (!c.count.dataset.exact) c.count.textContent = `${c.loaded}${c.cursor ? '+' : ''}`;
  } catch (e) {
    say(c.state, `Could not load: ${e.message}`, true);
  }
}

/** The columns' counts: every lead of each status (GET /api/overview), else what is loaded ("50+"). */
async function recount() {
  const overview = await readOverview();
  for (const [status, c] of columns) {
    // The overview leaves out a status without leads.
    const n = overview && overview.statusCounts ? overview.statusCounts[status] ?? 0 : undefined;
    if (Number.isInteger(n)) {
      c.count.textContent = String(n);
      c.count.dataset.exact = 'true';
    } else {
      delete c.count.dataset.exact;
      c.count.textContent = `${c.loaded}${c.cursor ? '+' : ''}`;
    }
  }
}

function card(lead) {
  const moves = nextStatuses(lead.status);
  const menu = el('select', { class: 'move', 'aria-label': `Move ${displayName(lead)} to`, disabled: !moves.length, on: { change: (e) => move(lead, e.target.value) } },
    el('option', { value: '' }, moves.length ? 'Move to…' : 'No move'),
    moves.map((s) => el('option', { value: s }, s)));
  const item = el('li', {
    class: 'card', testid: 'card', draggable: 'true', data: { leadId: lead.id, status: lead.status },
    on: {
      dragstart: (e) => start(e, lead),
      dragend: end,
    },
  },
  el('button', { type: 'button', class: 'card-open link', on: { click: () => onOpen(lead.id) } }, displayName(lead)),
  el('p', { class: 'preview small' }, preview(lead)),
  waitingMarker(lead),
  menu);
  return item;
}

function start(e, lead) {
  dragged = lead;
  e.dataTransfer.setData('text/plain', String(lead.id));
  e.dataTransfer.effectAllowed = 'move';
  // Only the statuses the workflow allows from this one take the card; they are shown as such.
  for (const s of nextStatuses(lead.status)) {
    const c = columns.get(s);
    if (c) { c.section.classList.add('drop-target'); c.section.dataset.drop = 'allowed'; }
  }
}

function end() {
  dragged = null;
  for (const c of columns.values()) {
    c.section.classList.remove('drop-target', 'drop-over');
    delete c.section.dataset.drop;
  }
}

function allowed(status) {
  return dragged && nextStatuses(dragged.status).includes(status);
}

function over(e, status) {
  // Not cancelling dragover is what makes a column refuse the drop.
  if (!allowed(status)) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = 'move';
  columns.get(status).section.classList.add('drop-over');
}

function drop(e, status) {
  if (!allowed(status)) return;
  e.preventDefault();
  const lead = dragged;
  end();
  move(lead, status);
}

async function move(lead, status) {
  if (!status || status === lead.status) return;
  say($('board-state'), `Moving ${displayName(lead)} to ${status}…`);
  try {
    await moveLead(lead.id, status, null, lead.status);
    say($('board-state'), `${displayName(lead)} moved to ${status}.`);
  } catch (e) {
    say($('board-state'), isStale(e)
      ? `Not moved: ${displayName(lead)} was changed meanwhile. The board now shows it as it is.`
      : `${displayName(lead)} was not moved: ${e.message}`, true);
  }
  // Every column again: after a change made meanwhile the card may be in neither of the two.
  await Promise.all([...columns.keys()].map((s) => loadColumn(s, true)).concat(recount()));
  const moved = document.querySelector(`#board [data-testid=card][data-lead-id="${Number(lead.id)}"] select`);
  if (moved && document.activeElement === document.body) moved.focus();
}
