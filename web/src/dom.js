// DOM helpers: element builders for HTML and SVG.
export const $ = (sel, el = document) => el.querySelector(sel);
export function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) if (kid != null && kid !== false) el.append(kid.nodeType ? kid : String(kid));
  return el;
}
const SVGNS = 'http://www.w3.org/2000/svg';
export function s(tag, attrs = {}, ...kids) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, v);
  for (const kid of kids.flat()) if (kid != null) el.append(kid.nodeType ? kid : String(kid));
  return el;
}
// The ARIA live region (index.html #status, role=status): results of a
// change are read out without moving focus.
export function announce(msg) {
  const st = document.getElementById('status');
  if (!st) return;
  // a repeated message is still read: clear first, set on the next frame
  st.textContent = '';
  requestAnimationFrame(() => { st.textContent = msg; });
}
// The id to focus after the next re-render when the control that changed
// does not survive it (a search result: focus returns to the search field).
export const focusNext = {id: null};
