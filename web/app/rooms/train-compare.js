// The Training room's comparison: pin a finished run (it stays on every chart, dashed, with what
// differs in the legend), use a pinned run's settings again, remove it, or race the chosen pinned
// setups and the current one from scratch, all at once.
import { PALETTE } from '../../shared/chart.js';
import { el, clear, button as btn } from '../../shared/dom.js';
import { runLabel, settingsDiff } from './train-config.js';

const MAX_PINS = 7; // with the current run, 8 on every chart

// Returns the comparison's elements (for the side column); adds to room: pin, renderPins, race.
export function mountCompare(room) {
  const pinList = el('ol', { id: 'train-pins', class: 'pins' });
  const pinBtn = btn('Pin this run', () => room.pin(), { id: 'train-pin' });
  const raceBtn = btn('Race', () => room.race(), { id: 'train-race' });

  room.pin = () => {
    const { pins } = room;
    if (!room.cur.run.cols.loss.n) { room.notify('Train this run first, then pin it.'); return; }
    if (pins.length >= MAX_PINS) { room.notify(`At most ${MAX_PINS} pinned runs (8 on a chart with the current one): remove one first.`, 'warn'); return; }
    room.pause();
    const p = room.cur;
    p.label = runLabel(p.state);
    p.spec = room.data.spec;
    p.yScale = room.csv?.yScale ?? null; // a standardised regression target's mean and sd
    pins.push(p);
    room.cur = room.newSlot(room.state);
    room.renderPins();
    room.renderAll();
  };

  room.renderPins = () => {
    clear(pinList);
    room.pins.forEach((p, i) => {
      const diff = settingsDiff(room.state, p.state);
      pinList.append(el('li', { style: `border-left: 4px solid ${PALETTE[(i + 1) % PALETTE.length]}` }, [
        el('strong', {}, p.label), ' ', el('span', { class: 'note' }, diff.length ? `(${diff.join('; ')})` : '(same settings as now)'), ' ',
        el('span', { class: 'note' }, room.stopText(p)), ' ', raceBox(p, i),
        btn('Use these settings', () => { Object.assign(room.state, structuredClone(p.state)); room.commit('data'); }, { 'aria-label': `Use the settings of pinned run ${i + 1}` }),
        btn('Remove', () => { p.run.dispose(); room.pins.splice(i, 1); room.renderPins(); room.renderAll(); }, { 'aria-label': `Remove pinned run ${i + 1}` })]));
    });
    raceBtn.disabled = !room.pins.length;
  };

  function raceBox(p, i) {
    const b = el('input', { type: 'checkbox', id: `train-race-${i}` });
    b.checked = p.inRace !== false;
    b.addEventListener('change', () => { p.inRace = b.checked; });
    return el('label', { class: 'inline', for: `train-race-${i}` }, [b, ' race']);
  }

  // Re-runs the chosen pinned setups and the current one from scratch, all at once.
  room.race = () => {
    if (!room.pins.length) return;
    room.pause();
    room.discardRun();
    for (const p of room.pins.filter((q) => q.inRace !== false)) room.restartSlot(p);
    room.startRace();
  };

  // the pins' status lines follow their runs
  room.refreshPins = () => {
    if (!pinList.childElementCount) return;
    for (const [i, li] of [...pinList.children].entries()) {
      const t = room.stopText(room.pins[i]);
      const note = li.querySelectorAll('.note')[1];
      if (note.textContent !== t) note.textContent = t;
    }
  };

  return [el('h2', {}, 'Compare runs'),
    el('p', { class: 'note' }, 'Pin a run, change one setting and train again: pinned runs stay on every chart (dashed) with what differs in the legend. The race re-runs the chosen pinned setups and this one together.'),
    el('div', { class: 'toolbar' }, [pinBtn, raceBtn]), pinList];
}
