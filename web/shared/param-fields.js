// Controls for one registry entry's parameters (an optimizer, a scheduler, a
// loss, a data set): a field per parameter, its help from the core, the spec
// updated in place and handed to onChange. Values are checked by the core.
import { el } from './dom.js';
import { ruleFields, RULE_PARAMS } from './rule-editor.js';

// params: the registry entry's params; spec: the object edited; skip: names left out.
export function paramFields(prefix, params, spec, onChange, { skip = [], fold = true } = {}) {
  // a written rule (type Custom): its other parameters, then the rule editor for update/expr, hyper and state
  if (spec.type === 'Custom') {
    const rest = params.filter((p) => !skip.includes(p.name) && !RULE_PARAMS.includes(p.name));
    return [...rest.map((p) => field(prefix, p, spec, onChange)), ruleFields(prefix, spec, onChange, params.some((p) => p.name === 'expr') ? 'loss' : 'optimizer')];
  }
  const shown = params.filter((p) => !skip.includes(p.name));
  const main = fold ? shown.filter((p) => p.required || p.name === 'lr' || spec[p.name] !== undefined) : shown;
  const rest = shown.filter((p) => !main.includes(p));
  const nodes = main.map((p) => field(prefix, p, spec, onChange));
  if (rest.length) {
    nodes.push(el('details', { class: 'more' }, [el('summary', {}, `${rest.length} more (defaults)`), ...rest.map((p) => field(prefix, p, spec, onChange))]));
  }
  return nodes;
}

function field(prefix, p, spec, onChange) {
  const id = `${prefix}-${p.name}`;
  const has = spec[p.name] !== undefined && spec[p.name] !== null;
  const set = (v) => {
    if (v === undefined) delete spec[p.name];
    else spec[p.name] = v;
    onChange(spec, p.name);
  };
  // a parameter PyTorch lacks (CyclicLR's window, Adam's bias_correction) says so
  const help = p.textbook && !/textbook/.test(p.help) ? `${p.help} (textbook, not in PyTorch)` : p.help;
  const label = el('label', { for: id, title: help }, [p.name, el('span', { class: 'help' }, ` ${help}`)]);
  let input;
  switch (p.kind) {
    case 'boolean':
      input = el('input', { id, type: 'checkbox' });
      input.checked = has ? !!spec[p.name] : !!p.default;
      input.addEventListener('change', () => set(input.checked));
      return el('div', { class: 'field' }, [el('label', { class: 'inline', title: help }, [input, ` ${p.name}`, el('span', { class: 'help' }, ` ${help}`)])]);
    case 'enum': {
      const choices = [...(p.nullable ? ['(none)'] : []), ...p.choices.split('|')];
      input = el('select', { id }, choices.map((c) => el('option', { value: c }, c)));
      input.value = has ? spec[p.name] : choices[typeof p.default === 'number' && !p.nullable ? p.default : 0];
      input.addEventListener('change', () => set(input.value === '(none)' ? null : input.value));
      break;
    }
    case 'string':
      input = el('input', { id, type: 'text', spellcheck: 'false', value: has ? String(spec[p.name]) : '' });
      input.addEventListener('change', () => set(input.value.trim() ? input.value : undefined));
      break;
    case 'numbers':
    case 'specs':
      input = el('input', { id, type: 'text', spellcheck: 'false', placeholder: 'default',
        value: has ? (p.kind === 'numbers' ? [].concat(spec[p.name]).join(', ') : JSON.stringify(spec[p.name])) : '' });
      input.addEventListener('change', () => {
        const t = input.value.trim();
        if (!t) { set(undefined); return; }
        // one number stays a number (FocalLoss's alpha is a number or one weight per class)
        if (p.kind === 'numbers') { const v = t.split(',').map((x) => Number(x.trim())); set(v.length === 1 && !Array.isArray(spec[p.name]) ? v[0] : v); return; }
        try { set(JSON.parse(t)); } catch { input.setCustomValidity('not valid JSON'); input.reportValidity(); }
      });
      break;
    default:
      input = el('input', { id, type: 'number', step: p.kind === 'integer' ? '1' : 'any',
        value: has ? String(spec[p.name]) : p.default == null ? '' : String(p.default), placeholder: p.required ? 'required' : '' });
      input.addEventListener('change', () => set(input.value.trim() === '' ? undefined : Number(input.value)));
  }
  return el('div', { class: 'field' }, [label, input]);
}
