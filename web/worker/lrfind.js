// The LR finder room's range test, run in the worker: lab.lrFind on a trainer config.
export const lrFind = (lab, { config, options }) => lab.lrFind(config, options);
