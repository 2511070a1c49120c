// The Optimizers room's "What to notice": the preset the room shows (its settings equal the preset's),
// its story with every number measured from the race on screen (./race-claims.js), and the claims that
// make the story true, checked live. A race whose settings were changed says so and offers the way back.
import { fillNotice, checkClaims, sameSettings } from './notice.js';
import { createNoticeBox, changedPreset } from './notice-box.js';
import { measureRace, presetSettings } from './race-claims.js';
import { PRESETS } from './race-presets.js';

/** The index of the preset whose settings the state has, or -1. */
export function matchPreset(state) {
  const mine = presetSettings(state);
  return PRESETS.findIndex((p) => sameSettings(presetSettings(p), mine));
}

/** The box, and update(state, traces) to call after every recompute; onBack(i) opens preset i again. */
export function createNotice({ lab, onBack }) {
  const box = createNoticeBox('race');
  let last = -1; // the preset shown last: its name stays for "you changed the settings"
  let gen = 0;

  async function update(state, traces) {
    const g = ++gen;
    const i = matchPreset(state);
    if (i < 0) {
      if (last >= 0) box.changed(changedPreset(PRESETS[last].name), () => onBack(last)); else box.hide();
      return;
    }
    last = i;
    const p = PRESETS[i];
    box.measuring(i);
    let values;
    try {
      values = await measureRace(p, (s) => lab.call('race', s), traces);
    } catch (e) {
      if (g === gen) box.failed(e.message);
      return;
    }
    if (g === gen) box.show(i, fillNotice(p.notice, values), checkClaims(p.claims, values));
  }

  /** Forget the preset shown (a preset chosen from the menu shows its own notes). */
  const reset = () => { last = -1; };
  return { node: box.node, update, reset };
}
