// The "What to notice" box of a room (DOM): a preset's story with its measured numbers and the claims
// checked against them, or, once the settings changed, a line saying so with the way back.
import { el, clear, button } from '../../shared/dom.js';

export const changedPreset = (name) => `You changed the settings of the preset “${name}”; its notes describe it as it was.`;

/** prefix: the ids' prefix ('race' gives #race-notice, #race-notice-text, #race-claims, #race-notice-back). */
export function createNoticeBox(prefix) {
  const title = el('h2', { id: `${prefix}-notice-title` }, 'What to notice');
  const text = el('p', { id: `${prefix}-notice-text` });
  const claims = el('ul', { id: `${prefix}-claims` });
  const summary = el('summary', {});
  const details = el('details', { class: 'claims' }, [summary, claims]);
  // on a phone the story is folded to its first lines, so that the figure stays in view
  const more = el('button', { type: 'button', class: 'notice-more', 'aria-expanded': 'false', 'aria-controls': `${prefix}-notice-text` }, 'Read all');
  more.addEventListener('click', () => {
    const open = node.classList.toggle('open');
    more.setAttribute('aria-expanded', String(open));
    more.textContent = open ? 'Fold' : 'Read all';
  });
  const node = el('section', { class: 'notice', id: `${prefix}-notice`, 'aria-labelledby': `${prefix}-notice-title`, 'aria-live': 'polite' }, [title, text, more, details]);
  node.hidden = true;
  return {
    node,
    hide() { node.hidden = true; node.dataset.preset = '-1'; delete node.dataset.measured; },
    measuring(i) { node.hidden = false; node.dataset.preset = String(i); delete node.dataset.measured; details.hidden = true; text.textContent = 'Measuring...'; },
    failed(message) { text.textContent = `The notes could not be measured: ${message}`; },
    /** results: checkClaims' [{ ok, says }] */
    show(i, story, results) {
      node.hidden = false;
      node.dataset.preset = String(i);
      text.textContent = story;
      const held = results.filter((r) => r.ok).length;
      summary.textContent = `Measured here: ${held} of ${results.length} claims hold`;
      clear(claims);
      for (const r of results) claims.append(el('li', { 'data-ok': String(r.ok) }, `${r.ok ? '✓' : '✗'} ${r.says}`));
      details.hidden = false;
      node.dataset.measured = String(held === results.length);
    },
    /** sentence: what changed ("You changed the settings of the preset “…”; ..."), back: the button's words. */
    changed(sentence, onBack, back = 'Back to the preset') {
      node.hidden = false;
      node.dataset.preset = '-1';
      delete node.dataset.measured;
      details.hidden = true;
      clear(text);
      text.append(`${sentence} `, button(back, onBack, { id: `${prefix}-notice-back` }));
    },
  };
}
