// Building elements. Every piece of data goes in as a text node (textContent), never as HTML: a lead named
// <img src=x onerror=...> is shown as those characters.

export const $ = (id) => document.getElementById(id);

/** el('li', {class: 'x', testid: 'lead-row', data: {leadId: 1}, on: {click: f}}, 'text', child, ...) */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'testid') node.dataset.testid = value;
    else if (key === 'data') Object.assign(node.dataset, value);
    else if (key === 'on') for (const [type, fn] of Object.entries(value)) node.addEventListener(type, fn);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Text a customer chose (a name, a username, a message) as written: without the bidi override, embedding
 * and isolate controls, which would draw it in another order than it was typed ("\u202Egnp.exe Andi" shown
 * as "idnA exe.png"). Right-to-left script still reads right to left: it needs no control. Each such
 * text is also isolated from its neighbours in app.css (unicode-bidi: isolate).
 */
export function asWritten(text) {
  return String(text ?? '').replace(/[\u202A-\u202E\u2066-\u2069]/g, '');
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

/** Shows text in a state line (loading, empty, error); empty text hides it. */
export function say(node, text, isError = false) {
  node.textContent = text || '';
  node.hidden = !text;
  node.classList.toggle('error', !!isError);
}
