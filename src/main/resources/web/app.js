// leadline's web page: sign in with a workspace API token, the lead list, the lead panel with its
// conversation and timeline. Plain modules, no build step; every call is the documented REST API.
//
// Stable hooks for the browser tests (dev.leadline.page.*BrowserTest) and the page benchmark (bench/):
//   #token, #author, #sign-in, #sign-in-error          the sign-in form (signing in fetches the first page of leads)
//   #sign-out, #workspace-name; #view-list, #view-board (aria-pressed)   the top bar
//   #search, #needs-reply, #status-filter, #active-since   the list's filters ("/" focuses #search)
//   [data-testid=lead-row] (data-lead-id, data-status) in #lead-list, with [data-testid=preview],
//     [data-testid=waiting] (data-overdue) and [data-testid=status-pill]; #load-more; #list-state
//   #overview (no lead open): [data-testid=overview-status] (data-status), overview-waiting, overview-overdue,
//     overview-new-today; [data-testid=response-chart] (svg), #response-table
//   #board-view: [data-testid=column] (data-status, .drop-target while a card it takes is dragged) with
//     [data-testid=column-count], [data-testid=card] (data-lead-id, data-status, select.move), .more; #board-state
//   #lead-panel, #panel-state, #back                   the panel, its loading/error line, back (narrow screens)
//   #lead-name, #lead-phone, #lead-username, #lead-status, #message-counts, #open-whatsapp, #no-whatsapp, #lead-ids
//   #status-select (applies on change), #status-message (a change lost to a newer one, in words)
//   #pinned-summary: #pinned-summary-day, #pinned-summary-by, #pinned-summary-text, #summarise-again
//   [data-testid=message] (data-direction inbound|outbound) in #transcript; #older-messages
//   [data-testid=timeline-item] (data-kind, data-note-id) in #timeline; [data-testid=delete-note]; #older-notes
//   #note-text, #add-note; #summarise-yesterday, #summary-day, #summarise-day, #summary-message

import { api, session, whenUnauthorized } from './api.js';
import { $, say } from './dom.js';
import { useWorkspace } from './time.js';
import { useReplyTarget } from './lead-view.js';
import { useContract, onLeadChanged } from './workflow.js';
import { initLeads, waitingUrl, addStatuses, reload, retime, resetFilters, updateRow, focusRow, clearOpen, markOpen } from './leads.js';
import { initPanel, refreshStatus, openLead, closeLead } from './lead-panel.js';
import { initBoard, showBoard } from './board.js';
import { showOverview, showStatuses } from './overview.js';

let contract = null;
let view = 'list';

function start() {
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => signOut(''));
  $('back').addEventListener('click', () => { close(); focusRow(0); });
  $('view-list').addEventListener('click', () => showView('list'));
  $('view-board').addEventListener('click', () => showView('board'));
  initLeads(open);
  initPanel();
  initBoard((id) => { showView('list'); markOpen(id); open(id); });
  onLeadChanged((lead) => {
    updateRow(lead);
    if (!$('overview').hidden) showOverview();
  });
  whenUnauthorized((e) => signOut(`Signed out: ${e.message}`));
  document.addEventListener('keydown', shortcuts);
  if (session.token) enter(); else showSignIn('');
}

function open(id) {
  $('overview').hidden = true;
  openLead(id);
}

/** The panel closed: the overview takes its place. */
function close() {
  closeLead();
  clearOpen();
  if (view === 'list') {
    $('overview').hidden = false;
    showOverview();
  }
}

/** List (the inbox, with the overview or a lead beside it) or Board (the pipeline, the whole width). */
function showView(which) {
  view = which;
  $('view-list').setAttribute('aria-pressed', String(which === 'list'));
  $('view-board').setAttribute('aria-pressed', String(which === 'board'));
  document.body.classList.toggle('board-open', which === 'board');
  $('board-view').hidden = which !== 'board';
  $('list-pane').hidden = which !== 'list';
  if (which === 'board') {
    closeLead();
    clearOpen();
    $('overview').hidden = true;
    showBoard();
  } else {
    close();
    reload();
  }
}

function shortcuts(e) {
  if (e.key === '/' && !$('app-view').hidden && !isTyping(e.target)) {
    e.preventDefault();
    $('search').focus();
    $('search').select();
  } else if (e.key === 'Escape' && !$('lead-panel').hidden && !isTyping(e.target)) {
    close();
  }
}

function isTyping(target) {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

function showSignIn(message) {
  $('app-view').hidden = true;
  $('sign-out').hidden = true;
  $('view-switch').hidden = true;
  $('workspace-name').textContent = '';
  $('sign-in-view').hidden = false;
  say($('sign-in-error'), message, true);
  $('token').focus();
}

async function signIn(e) {
  e.preventDefault();
  const token = $('token').value.trim();
  if (!token) return;
  say($('sign-in-error'), '');
  $('sign-in').disabled = true;
  try {
    // The list's first page (the waiting leads') tells a good token from a bad one before anything is kept,
    // and is shown as is.
    const { data } = await api(waitingUrl(null), { token });
    session.signIn(token, $('author').value.trim());
    $('token').value = '';
    enter(data);
  } catch (err) {
    say($('sign-in-error'), err.status === 401
      ? `That token was not accepted: ${err.message}. Paste a workspace API token (see the README).`
      : `Could not sign in: ${err.message}`, true);
  } finally {
    $('sign-in').disabled = false;
  }
}

function signOut(message) {
  session.signOut();
  closeLead();
  clearOpen();
  resetFilters();
  $('lead-list').replaceChildren();
  $('board').replaceChildren();
  $('overview').hidden = true;
  $('board-view').hidden = true;
  $('list-pane').hidden = false;
  document.body.classList.remove('board-open');
  view = 'list';
  showSignIn(message);
}

function enter(firstPage) {
  $('sign-in-view').hidden = true;
  $('app-view').hidden = false;
  $('sign-out').hidden = false;
  $('view-switch').hidden = false;
  // The first list is one request; the workspace, the contract and the overview come alongside, not before it.
  reload(firstPage);
  loadWorkspace();
  loadContract();
  $('overview').hidden = false;
  showOverview();
}

async function loadWorkspace() {
  try {
    const { data } = await api('/api/workspace');
    $('workspace-name').textContent = [data.name, data.timeZone && `times in ${data.timeZone}`].filter(Boolean).join(' · ');
    // Without the workspace's locale (a service before it had one): the browser's language.
    useWorkspace({ timeZone: data.timeZone, locale: data.locale });
    useReplyTarget(data.replyTargetMinutes);
    retime();
  } catch (e) {
    // Before GET /api/workspace existed, or on an error: the browser's own time zone and language.
    if (e.status === 401) return;
    $('workspace-name').textContent = '';
  }
}

async function loadContract() {
  try {
    if (!contract) contract = (await api('/api/openapi.json', { token: null })).data;
    const components = contract.components || {};
    const statuses = (components.schemas && components.schemas.LeadStatus && components.schemas.LeadStatus.enum) || [];
    useContract(statuses, components['x-lead-workflow']);
    addStatuses(statuses);
    refreshStatus();
    showStatuses();
    if (view === 'board') showBoard();
  } catch (e) {
    say($('list-state'), `Could not read the API description: ${e.message}`, true);
  }
}

start();
