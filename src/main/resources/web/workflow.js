// The statuses and the workflow, as the API contract states them (components.schemas.LeadStatus.enum, in
// its order, and components.x-lead-workflow); a status change sent with If-Match; and who hears of a change.

import { api, session, ApiError } from './api.js';

let statuses = [];
let workflow = {};
const listeners = [];

/** The contract's statuses (in the order it lists them) and, from each, the statuses a lead may move to. */
export function useContract(enumOrder, nextOf) {
  statuses = Array.isArray(enumOrder) ? enumOrder.slice() : [];
  workflow = nextOf || {};
}

export function allStatuses() {
  return statuses;
}

export function nextStatuses(status) {
  return workflow[status] || [];
}

/**
 * Moves a lead to status. etag: the version the caller read (GET /api/leads/{id}'s ETag); without one (a list's
 * lead has no version) the lead is read first, and from: the status the caller saw, which it must still have.
 * Answers {lead, etag}; throws the API's error: 409 (or 412) when it changed meanwhile, 422 when the workflow
 * does not allow the move.
 */
export async function moveLead(id, status, etag, from) {
  let tag = etag;
  if (!tag) {
    const read = await api(`/api/leads/${id}`);
    // Moved on since the caller saw it: its choice was made on what is no longer so.
    if (from && read.data.status !== from) throw new ApiError(409, { error: 'conflict', detail: `the lead is ${read.data.status} now` });
    tag = read.headers.get('ETag');
  }
  const body = { status };
  if (session.author) body.author = session.author;
  const { data, headers } = await api(`/api/leads/${id}`, { method: 'PATCH', body, headers: { 'If-Match': tag } });
  const lead = data;
  leadChanged(lead);
  return { lead, etag: headers.get('ETag') };
}

/** A change was lost to a newer one: the API's 409 for a stale If-Match (412 by HTTP's own rule). */
export function isStale(error) {
  return error && (error.status === 409 || error.status === 412);
}

/** fn(lead) after any status change made on this page (the list re-sorts, the board and overview recount). */
export function onLeadChanged(fn) {
  listeners.push(fn);
}

export function leadChanged(lead) {
  for (const fn of listeners) fn(lead);
}
