// leadline's web page: sign in with a workspace API token, the lead list, the lead panel with its
// conversation and timeline. Plain modules, no build step; every call is the documented REST API.
//
// Stable hooks for the browser tests (dev.leadline.page.*BrowserTest) and the page benchmark (bench/):
//   #token, #author, #sign-in, #sign-in-error          the sign-in form (signing in fetches the first page of leads)
//   #sign-out, #workspace-name                         the top bar
//   #search, #status-filter, #active-since             the list's filters ("/" focuses #search)
//   [data-testid=lead-row] (data-lead-id)              a lead in #lead-list; #load-more; #list-state
//   #lead-panel, #panel-state, #back                   the panel, its loading/error line, back (narrow screens)
//   #lead-name, #lead-phone, #lead-username, #count-in, #count-out
//   #lead-status, #status-select, #status-save, #status-message (the 409 text), #reload-lead
//   [data-testid=message] (data-direction inbound|outbound) in #transcript; #older-messages
//   [data-testid=timeline-item] (data-kind, data-note-id) in #timeline; [data-testid=delete-note]; #older-notes
//   #note-text, #add-note; #summarise-yesterday, #summary-day, #summarise-day, #summary-message

import { api, session, whenUnauthorized } from './api.js';
import { $, say } from './dom.js';
import { useTimeZone } from './time.js';
import { initLeads, addStatuses, reload, retime, resetFilters, updateRow, focusRow } from './leads.js';
import { initPanel, useWorkflow, openLead, closeLead } from './lead-panel.js';

let contract = null;

function start() {
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => signOut(''));
  $('back').addEventListener('click', () => { closeLead(); focusRow(0); });
  initLeads((id) => { openLead(id); });
  initPanel(updateRow);
  whenUnauthorized((e) => signOut(`Signed out: ${e.message}`));
  document.addEventListener('keydown', shortcuts);
  if (session.token) enter(); else showSignIn('');
}

function shortcuts(e) {
  if (e.key === '/' && !$('app-view').hidden && !isTyping(e.target)) {
    e.preventDefault();
    $('search').focus();
    $('search').select();
  } else if (e.key === 'Escape' && !$('lead-panel').hidden && !isTyping(e.target)) {
    closeLead();
  }
}

function isTyping(target) {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

function showSignIn(message) {
  $('app-view').hidden = true;
  $('sign-out').hidden = true;
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
    // The list's first page tells a good token from a bad one before anything is kept, and is shown as is.
    const { data } = await api('/api/leads', { token });
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
  resetFilters();
  $('lead-list').replaceChildren();
  showSignIn(message);
}

function enter(firstPage) {
  $('sign-in-view').hidden = true;
  $('app-view').hidden = false;
  $('sign-out').hidden = false;
  // The first list is one request; the workspace and the contract come alongside, not before it.
  reload(firstPage);
  loadWorkspace();
  loadContract();
}

async function loadWorkspace() {
  try {
    const { data } = await api('/api/workspace');
    $('workspace-name').textContent = [data.name, data.timeZone && `times in ${data.timeZone}`].filter(Boolean).join(' · ');
    if (data.timeZone) {
      useTimeZone(data.timeZone);
      retime();
    }
  } catch (e) {
    // Before GET /api/workspace existed, or on an error: the browser's own time zone.
    if (e.status === 401) return;
    $('workspace-name').textContent = '';
  }
}

async function loadContract() {
  try {
    if (!contract) contract = (await api('/api/openapi.json', { token: null })).data;
    const components = contract.components || {};
    addStatuses((components.schemas && components.schemas.LeadStatus && components.schemas.LeadStatus.enum) || []);
    useWorkflow(components['x-lead-workflow']);
  } catch (e) {
    say($('list-state'), `Could not read the API description: ${e.message}`, true);
  }
}

start();
