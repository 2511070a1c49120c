// What the Training room shows below its charts: the optimizer's insides for the run
// being trained (run.inspect() sampled through the run, via the room's subscribe hook)
// and the pitfall demos on its data and model.
import { createInspectPanel } from './train-inspect.js';
import { createPitfalls } from './train-pitfalls.js';
import { createGroupsPanel } from './train-groups.js';

export function mountTrainExtras({ root, lab, roomApi }) {
  if (roomApi.subscribe && roomApi.requestInspect) {
    const panel = createInspectPanel({ root });
    const groups = createGroupsPanel({ root }); // each group's rate, LARS's trust ratios
    roomApi.requestInspect(true);
    roomApi.subscribe((r) => {
      for (const x of r.inspects ?? (r.inspect ? [r.inspect] : [])) { panel.update(x, x.step); groups.update(x, x.step); }
    });
  }
  return createPitfalls({ root, lab, getConfig: roomApi.getConfig });
}
