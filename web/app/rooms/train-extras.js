// What the Training room shows below its charts: the optimizer's insides for the run
// being trained (via the room's step hooks) and the pitfall demos on its data and model.
import { createInspectPanel } from './train-inspect.js';
import { createPitfalls } from './train-pitfalls.js';

export function mountTrainExtras({ root, lab, roomApi }) {
  if (roomApi.hooks) {
    const panel = createInspectPanel({ root });
    roomApi.hooks.inspect = (inspect, step) => panel.update(inspect, step);
    roomApi.hooks.reset = () => panel.reset();
  }
  return createPitfalls({ root, lab, getConfig: roomApi.getConfig });
}
