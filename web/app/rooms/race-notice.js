// The Optimizers room's "What to notice" box: the preset the room shows (its settings equal the
// preset's), its story with every number measured from the race on screen (./race-claims.js), and
// the claims that make the story true, checked live. A race whose settings were changed says so and
// offers the way back.
import { el, clear, button } from '../../shared/dom.js';
import { fillNotice, checkClaims, sameSettings } from './notice.js';
import { measureRace, presetSettings } from './race-claims.js';
import { PRESETS } from './race-presets.js';

/** The index of the preset whose settings the state has, or -1. */
export function matchPreset(state) {
  const mine = presetSettings({ ...state, opts: state.opts });
  return PRESETS.findIndex((p) => sameSettings(presetSettings(p), mine));
}

/** The box, and update(state, traces) to call after every recompute; onBack(i) opens preset i again. */
export function createNotice({ lab, onBack }) {
  const title = el('h2', { id: 'race-notice-title' }, 'What to notice');
  const text = el('p', { id: 'race-notice-text' });
  const claims = el('ul', { id: 'race-claims' });
  const summary = el('summary', {});
  const details = el('details', { class: 'claims' }, [summary, claims]);
  const node = el('section', { class: 'notice', id: 'race-notice', 'aria-labelledby': 'race-notice-title' }, [title, text, details]);
  node.hidden = true;
  let last = -1; // the preset shown last: its name stays for "you changed the settings"
  let gen = 0;

  async function update(state, traces) {
    const g = ++gen;
    const i = matchPreset(state);
    node.dataset.preset = String(i);
    delete node.dataset.measured;
    if (i < 0) {
      node.hidden = last < 0;
      if (last >= 0) {
        clear(text);
        text.append(`You changed the settings of the race “${PRESETS[last].name}”; its notes describe the race as it was. `,
          button('Back to the preset', () => onBack(last), { id: 'race-notice-back' }));
        details.hidden = true;
      }
      return;
    }
    last = i;
    const p = PRESETS[i];
    node.hidden = false;
    details.hidden = false;
    text.textContent = 'Measuring...';
    let values;
    try {
      values = await measureRace(p, (s) => lab.call('race', s), traces);
    } catch (e) {
      if (g === gen) text.textContent = `The notes could not be measured: ${e.message}`;
      return;
    }
    if (g !== gen) return;
    text.textContent = fillNotice(p.notice, values);
    const results = checkClaims(p.claims, values);
    const held = results.filter((r) => r.ok).length;
    summary.textContent = `Measured in this race: ${held} of ${results.length} claims hold`;
    clear(claims);
    for (const r of results) claims.append(el('li', { 'data-ok': String(r.ok) }, `${r.ok ? '✓' : '✗'} ${r.says}`));
    node.dataset.measured = String(held === results.length);
  }

  /** Forget the preset shown (a new preset chosen from the menu shows its own notes). */
  const reset = () => { last = -1; };
  return { node, update, reset };
}
