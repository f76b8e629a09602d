// A list read a page at a time through the API's nextCursor: its state line, its "older" button, and answers
// to a request that a fresh showing superseded dropped, never added twice.

import { api, query } from './api.js';
import { clear, say } from './dom.js';

/**
 * pager({list, state, more, what, empty, url, render, add}): load(true) shows the first page afresh, load(false),
 * also on a click of more, adds the next. url() is the list's path; add(list, nodes) puts a page in place.
 * load answers whether the page was shown.
 */
export function pager({ list, state, more, what, empty, url, render, add }) {
  let cursor = null;
  let generation = 0;
  async function load(fresh) {
    if (fresh) { clear(list); cursor = null; generation += 1; }
    const mine = generation;
    say(state, `Loading the ${what}…`);
    more.hidden = true;
    try {
      const { data } = await api(`${url()}${query({ cursor })}`);
      if (mine !== generation) return false;
      add(list, data.items.map(render));
      cursor = data.nextCursor || null;
      more.hidden = !cursor;
      say(state, list.children.length ? '' : empty);
      return true;
    } catch (e) {
      if (mine === generation) say(state, `Could not load the ${what}: ${e.message}`, true);
      return false;
    }
  }
  more.addEventListener('click', () => load(false));
  return load;
}
