// steplab's web components for course pages, bundled into one classic script
// (dist/steplab-embed.js) that defines <steplab-schedule>, <steplab-loss>, <steplab-race>,
// <steplab-lrfinder>, <steplab-train> and <steplab-exercise>, one file each. All components on a page share one
// worker (one wasm instance, lab.js). Attributes use the JS API's parameter names (kebab-case
// is fine: max-lr = max_lr); `controls` lists the parameters the reader may change, `locked`
// freezes them, `height` and `theme` (light, dark, auto) set the look, and CSS custom properties
// (--steplab-fg, --steplab-bg, --steplab-accent, --steplab-font) match the page around it.
import { SteplabSchedule } from './schedule.js';
import { SteplabLoss } from './loss.js';
import { SteplabRace } from './race.js';
import { SteplabLrFinder } from './lrfinder.js';
import { SteplabTrain } from './train.js';
import { SteplabExercise } from './exercise.js';
import { watchPrinting } from './print.js';

const ELEMENTS = { 'steplab-race': SteplabRace, 'steplab-schedule': SteplabSchedule, 'steplab-loss': SteplabLoss,
  'steplab-lrfinder': SteplabLrFinder, 'steplab-train': SteplabTrain, 'steplab-exercise': SteplabExercise };
for (const [tag, cls] of Object.entries(ELEMENTS)) if (!customElements.get(tag)) customElements.define(tag, cls);
watchPrinting();
