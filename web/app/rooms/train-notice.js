// The Training room's "What to notice": the preset the room shows (its settings equal the preset's),
// its story with every number measured by training the preset and the runs it is compared with in
// the worker (trainFit; ./train-claims.js), and the claims that make the story true, checked live.
// Settings changed since say so, with the way back.
import { fillNotice, checkClaims } from './notice.js';
import { createNoticeBox, changedPreset } from './notice-box.js';
import { measureTrain, showsPreset } from './train-claims.js';
import { trainerConfig } from './train-config.js';
import { PRESETS } from './train-presets.js';

/** The box's node, and adds room.updateNotice() (after every change of the settings). */
export function mountNotice(room) {
  const box = createNoticeBox('train');
  const measured = new Map(); // preset index -> its values (the runs are deterministic)
  let last = -1;
  let gen = 0;
  const fit = (s) => room.lab.call('trainFit', { config: trainerConfig(room.registry, s, s.data) });

  room.updateNotice = async () => {
    const g = ++gen;
    const i = PRESETS.findIndex((p) => showsPreset(p, room.state));
    if (i < 0 || room.csv) {
      if (last >= 0) box.changed(changedPreset(PRESETS[last].name), () => room.applyPreset(last)); else box.hide();
      return;
    }
    last = i;
    const p = PRESETS[i];
    if (!measured.has(i)) box.measuring(i);
    try {
      if (!measured.has(i)) measured.set(i, await measureTrain(p, fit));
    } catch (e) {
      if (g === gen) box.failed(e.message);
      return;
    }
    const values = measured.get(i);
    if (g === gen) box.show(i, fillNotice(p.notice, values), checkClaims(p.claims, values));
  };
  return box.node;
}
