// The script of a built lesson page (inlined by the builder, bundled from this file): questions
// (answer, then the explanation and the right option are shown, and a figure locked by the question opens),
// challenges (inputs that change a figure's attributes; the check, parsed at build time into JSON, evaluated
// on the figure's events with the same quantity code as the tests), progress per lesson in localStorage
// with a reset, and on the index page each lesson's progress. No HTML is built from strings.
import { holds, formatValue } from './quantity.mjs';
import { setPath } from './figures.mjs';

const KEY = (id) => `steplab-lesson:${id}`;
const EVENT = { race: 'steplab-done', train: 'steplab-done', lrfinder: 'steplab-done', schedule: 'steplab-change', loss: 'steplab-change',
  exercise: 'steplab-exercise' };

function load(id) {
  try {
    const v = JSON.parse(localStorage.getItem(KEY(id)) || 'null');
    if (v && typeof v === 'object' && v.v === 1 && v.answers && v.passed) return v;
  } catch { /* storage off or damaged: start afresh */ }
  return { v: 1, answers: {}, passed: {} };
}

function save(id, p) {
  try { localStorage.setItem(KEY(id), JSON.stringify(p)); } catch { /* storage off: progress lasts this visit */ }
}

const doneCount = (p) => Object.keys(p.answers).length + Object.keys(p.passed).length;

function lessonPage(body) {
  const id = body.dataset.lesson;
  const progress = load(id);
  const total = Number(body.dataset.items) || 0;
  const bar = document.querySelector('.sl-progress progress');
  const barText = document.querySelector('.sl-progress-text');
  const showProgress = () => {
    const n = Math.min(total, doneCount(progress));
    if (bar) { bar.max = Math.max(total, 1); bar.value = n; }
    if (barText) barText.textContent = total ? `${n} of ${total} done` : 'nothing to answer';
    body.dataset.done = String(n);
  };
  const record = () => { save(id, progress); showProgress(); };

  // ---------------------------------------------------------------- questions and locked figures
  const unlock = (qid, start) => {
    for (const fig of document.querySelectorAll(`.sl-figure[data-locked-by="${qid}"]`)) {
      fig.classList.remove('sl-locked');
      fig.inert = false;
      const el = fig.firstElementChild;
      if (start && typeof el?.play === 'function') el.play();
    }
  };
  for (const fig of document.querySelectorAll('.sl-figure[data-locked-by]')) {
    if (progress.answers[fig.dataset.lockedBy]) continue;
    fig.classList.add('sl-locked');
    fig.inert = true;
  }
  const showAnswer = (section, choice) => {
    const correct = section.dataset.correct.split(',').map(Number);
    const right = choice.length === correct.length && choice.every((c) => correct.includes(c));
    section.classList.add('sl-answered');
    section.classList.toggle('sl-right', right);
    section.classList.toggle('sl-wrong', !right);
    section.querySelectorAll('.sl-option').forEach((label, i) => {
      const input = label.querySelector('input');
      input.checked = choice.includes(i);
      input.disabled = true;
      label.classList.toggle('sl-chosen', choice.includes(i));
      label.classList.toggle('sl-is-right', correct.includes(i));
    });
    section.querySelector('.sl-check').disabled = true;
    const labels = correct.map((i) => section.querySelectorAll('.sl-option')[i].textContent.trim());
    section.querySelector('.sl-feedback').textContent = right
      ? 'Right.'
      : `Not quite: the answer is “${labels.join('” and “')}”.`;
    return right;
  };
  for (const section of document.querySelectorAll('.sl-question')) {
    const qid = section.dataset.question;
    const inputs = [...section.querySelectorAll('.sl-option input')];
    const button = section.querySelector('.sl-check');
    const feedback = section.querySelector('.sl-feedback');
    const saved = progress.answers[qid];
    if (saved) { showAnswer(section, saved.choice); continue; }
    button.addEventListener('click', () => {
      const choice = inputs.flatMap((x, i) => (x.checked ? [i] : []));
      if (!choice.length) { feedback.textContent = 'Choose an answer first.'; return; }
      const right = showAnswer(section, choice);
      progress.answers[qid] = { choice, right };
      record();
      unlock(qid, true);
      section.dispatchEvent(new CustomEvent('steplab-answered', { bubbles: true, detail: { question: qid, choice, right } }));
    });
  }

  // ---------------------------------------------------------------- challenges
  for (const section of document.querySelectorAll('.sl-challenge')) {
    const cid = section.dataset.challenge;
    const kind = section.dataset.kind;
    const check = JSON.parse(section.dataset.check);
    const figure = document.getElementById(section.dataset.figure);
    const status = section.querySelector('.sl-status');
    if (!figure) { status.textContent = `This challenge's figure (${section.dataset.figure}) is missing.`; continue; }
    const passed = () => {
      section.classList.add('sl-passed');
      status.textContent = `Passed: ${progress.passed[cid].values}.`;
    };
    if (progress.passed[cid]) passed();
    let epochs = [];
    figure.addEventListener('steplab-epoch', (e) => {
      if (e.detail.epoch === 1) epochs = [];
      epochs[e.detail.epoch - 1] = e.detail;
    });
    const judge = (detail) => {
      const r = holds({ kind, detail, epochs }, check.conds);
      const said = r.values.map((v) => `${v.quantity} = ${formatValue(v.value)}`).join(', ');
      section.dataset.last = r.ok ? 'pass' : 'fail';
      section.dataset.attempts = String(Number(section.dataset.attempts || 0) + 1);
      if (r.ok) {
        if (!progress.passed[cid]) {
          progress.passed[cid] = { values: said };
          record();
        }
        passed();
        section.dispatchEvent(new CustomEvent('steplab-passed', { bubbles: true, detail: { challenge: cid, values: r.values } }));
      } else if (!progress.passed[cid]) {
        status.textContent = detail.status === 'error'
          ? 'Not yet: the run stopped with an error (the figure says which).'
          : `Not yet: ${r.values.filter((v) => !v.ok).map((v) => `${v.quantity} is ${formatValue(v.value)}, needs ${v.text.slice(v.quantity.length + 1)}`).join('; ')}.`;
      }
    };
    figure.addEventListener(EVENT[kind], (e) => judge(e.detail));
    // a training the core stops with an error fires no steplab-done: its status attribute says so
    if (kind === 'train') {
      new MutationObserver(() => { if (figure.dataset.status === 'error') judge({ status: 'error', state: figure.getState() }); })
        .observe(figure, { attributes: true, attributeFilter: ['data-status'] });
    }
    // inputs that change an attribute of the figure (a race has no controls of its own)
    for (const input of section.querySelectorAll('[data-attr]')) {
      const out = input.parentElement.querySelector('output');
      input.addEventListener('input', () => { if (out) out.textContent = input.value; });
      input.addEventListener('change', () => {
        const value = input.tagName === 'SELECT' ? JSON.parse(input.value) : Number(input.value);
        const before = figure.dataset.rendered;
        figure.setAttribute(input.dataset.attr, setPath(figure.getAttribute(input.dataset.attr) ?? undefined, JSON.parse(input.dataset.path), value));
        if (kind === 'race') {
          // the race builds its new paths, then runs them
          const wait = new MutationObserver(() => {
            if (figure.dataset.rendered !== before) { wait.disconnect(); figure.play(); }
          });
          wait.observe(figure, { attributes: true, attributeFilter: ['data-rendered'] });
        }
      });
    }
    section.querySelector('.sl-run')?.addEventListener('click', () => figure.play());
  }

  // ---------------------------------------------------------------- reset
  const reset = document.querySelector('.sl-reset');
  reset?.addEventListener('click', () => {
    if (reset.dataset.armed !== 'true') {
      reset.dataset.armed = 'true';
      reset.textContent = 'Click again to reset';
      setTimeout(() => { reset.dataset.armed = 'false'; reset.textContent = 'Reset progress'; }, 4000);
      return;
    }
    try { localStorage.removeItem(KEY(id)); } catch { /* nothing stored */ }
    location.reload();
  });
  showProgress();
}

function indexPage() {
  for (const item of document.querySelectorAll('[data-lesson-link]')) {
    const p = load(item.dataset.lessonLink);
    const total = Number(item.dataset.items) || 0;
    const n = Math.min(total, doneCount(p));
    const bar = item.querySelector('progress');
    if (bar) { bar.max = Math.max(total, 1); bar.value = n; }
    const text = item.querySelector('.sl-item-progress');
    if (text) text.textContent = n === 0 ? '' : n >= total ? 'done' : `${n} of ${total} done`;
    item.classList.toggle('sl-complete', total > 0 && n >= total);
  }
}

const body = document.body;
if (body.dataset.lesson) lessonPage(body);
else if (body.dataset.index !== undefined) indexPage();
body.dataset.ready = 'true';
