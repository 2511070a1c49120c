// The Losses room's "Your own" loss: a Custom loss written as a formula in x and y (the shared rule
// editor), drawn with its exact derivative over the panel's variable beside the built-in losses, its
// gradient checked by central differences (lab.gradcheck), and written into the PyTorch code.
import { el } from '../../shared/dom.js';
import { createRuleEditor } from '../../shared/rule-editor.js';
import { customLossPython, RULE_HELPERS } from '../pytorch-rule.js';

// The state table's entry (the URL keeps the rule): null, or a Custom loss spec.
export const OWN_PROP = { type: 'json', def: null,
  check: (v) => (v === null || (v && typeof v === 'object' && v.type === 'Custom' && typeof v.expr === 'string' && v.expr.length <= 1024) ? null : 'own must be a Custom loss { type, hyper, expr } or null') };

// The target each panel's variable is read against: the error and the distance with y = 0, the margin
// (y·f(x), y = +1) and the probability of the true class with y = 1.
const TARGET = { error: 0, distance: 0, margin: 1, probability: 1 };
const OWN_CALL = { error: 'error, target', margin: 'margin, torch.ones(601)', probability: 'p, target', distance: 'D, torch.zeros(601)' };
// Its colour: the first of the palette's clear colours (not black, not yellow) that none of the panel's
// curves uses; the focal panel's six γ curves use them all, so the rule is also dashed, and the legend
// shows the dash.
const ownGroup = (series) => [5, 4, 3, 2, 1, 0].find((g) => !series.some((s) => s.group === g)) ?? 5;

export function createOwnLoss({ lab, registry, getState, commit }) {
  const toggle = el('input', { type: 'checkbox', id: 'loss-own' });
  const editorBox = el('div', { id: 'loss-own-editor' });
  const check = el('p', { class: 'note', id: 'loss-own-check', 'aria-live': 'polite' });
  const node = el('fieldset', { class: 'card', id: 'loss-own-card' }, [el('legend', {}, 'Your own loss'),
    el('label', { class: 'inline' }, [toggle, ' draw a loss I write as a formula']), editorBox, check]);
  let editor = null;

  const open = (spec) => {
    editor = createRuleEditor({ kind: 'loss', id: 'loss-own', value: { rule: spec.expr, hyper: spec.hyper, reduction: 'none' },
      check: (s) => lab.call('ruleCheck', { kind: 'loss', spec: s }),
      onChange: (s) => {
        if (!s) return;
        const st = getState();
        const next = { type: 'Custom', hyper: s.hyper, expr: s.expr };
        if (JSON.stringify(st.own) === JSON.stringify(next)) return;
        st.own = next;
        commit();
      } });
    editorBox.replaceChildren(editor.root);
  };
  toggle.addEventListener('change', () => {
    const st = getState();
    if (toggle.checked) {
      const starter = registry.starter('losses', 'Custom');
      st.own = { type: 'Custom', hyper: starter.hyper || {}, expr: starter.expr || '(x - y)^2' };
      open(st.own);
    } else {
      st.own = null;
      editorBox.replaceChildren();
      editor = null;
    }
    commit();
  });

  return {
    node,
    /** Shows the state's own loss (after a link or a reload). */
    sync(state) {
      toggle.checked = !!state.own;
      if (state.own && !editor) open(state.own);
      if (!state.own) { editorBox.replaceChildren(); editor = null; check.textContent = ''; }
    },
    /** Adds the own loss's value and derivative on the panel's grid to res.series (the room's curves). */
    async addTo(res, state) {
      if (!state.own) return;
      const y = TARGET[state.panel] ?? 0;
      const [r, gc] = await Promise.all([lab.call('lossAt', { spec: state.own, x: Array.from(res.x), y }),
        lab.call('gradcheck', { spec: { ...state.own, reduction: 'none' }, binary: y === 1 }).catch(() => null)]);
      const group = ownGroup(res.series);
      res.series.push({ label: 'yours', values: r.value, group, kind: 'value', own: true },
        { label: 'yours derivative', values: r.grad, group, kind: 'grad', own: true });
      check.textContent = `Against ${res.xLabel} with target y = ${y}. ` + (gc ? `Gradient check (central differences, 1e-3): ${gc.pass ? 'passes' : 'fails'}, `
        + `largest difference ${gc.maxAbsErr.toExponential(1)}${gc.pass ? '' : ` at element ${gc.index}: exact ${gc.analytic}, numeric ${gc.numeric}`}.` : '');
    },
    /** The PyTorch lines for the own loss ('' without one). */
    code(state) {
      if (!state.own) return '';
      try {
        return ['', '', '# your own loss, as a function autograd differentiates', ...RULE_HELPERS, '', ...customLossPython({ ...state.own, reduction: 'none' }),
          '', `mine = written_loss(${OWN_CALL[state.panel] || OWN_CALL.error})  # against the panel's variable, as above`].join('\n');
      } catch { return ''; }
    },
  };
}
