// Building DOM nodes without HTML strings: text is always text. Shared by the
// lab's rooms and the web components.
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of Array.isArray(children) ? children : [children]) {
    if (c === null || c === undefined || c === '') continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
}

// A button that calls onclick.
export function button(text, onclick, attrs = {}) {
  const b = el('button', { type: 'button', ...attrs }, text);
  b.addEventListener('click', onclick);
  return b;
}

// A <select> of choices [[value, text], ...], or of groups [[label, [[value, text], ...]], ...]
// when `grouped` (an <optgroup> per group; a group labelled '' holds loose options).
export function select(id, choices, value, { grouped = false, attrs = {} } = {}) {
  const option = ([v, t]) => el('option', { value: String(v) }, t);
  const kids = grouped
    ? choices.flatMap(([label, opts]) => (label ? [el('optgroup', { label }, opts.map(option))] : opts.map(option)))
    : choices.map(option);
  const s = el('select', { id, ...attrs }, kids);
  if (value !== undefined) s.value = String(value);
  return s;
}

// Styles into a shadow root through a constructable style sheet where the browser has them, which a
// page's Content-Security-Policy does not block (a <style> element needs style-src 'unsafe-inline');
// older browsers get a <style> element.
export function adoptStyle(root, css) {
  if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(el('style', {}, css));
  }
}
