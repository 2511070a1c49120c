// How the race and <steplab-race> frame each loss surface of the core: the view box and a start
// point that shows the surface's lesson. Presentation only: a surface this table does not know is
// shown on a default box (the core computes it all the same).

const VIEWS = {
  rosenbrock: { x: [-2, 2], y: [-1, 3], start: [-1.5, 2.5] },
  beale: { x: [-4.5, 4.5], y: [-4.5, 4.5], start: [1, 1.5] },
  himmelblau: { x: [-5, 5], y: [-5, 5], start: [0, 0] },
  booth: { x: [-10, 10], y: [-10, 10], start: [-8, -7] },
  quadratic: { x: [-5, 5], y: [-3, 3], start: [-4.5, 2] },
  saddle: { x: [-2, 2], y: [-2, 2], start: [-1.8, 0.02] },
  rastrigin: { x: [-5.12, 5.12], y: [-5.12, 5.12], start: [3.3, 3.1] },
  six_hump_camel: { x: [-2, 2], y: [-1, 1], start: [-1.6, 0.8] },
};
const DEFAULT_VIEW = { x: [-5, 5], y: [-5, 5], start: [-4, 4] };

/** { x: [min, max], y: [min, max], start: [x, y] } of a surface (a fresh copy). */
export function surfaceView(name) {
  return structuredClone(Object.hasOwn(VIEWS, name) ? VIEWS[name] : DEFAULT_VIEW);
}
