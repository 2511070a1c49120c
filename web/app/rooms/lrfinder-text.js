// What the LR finder shows, in the lab's words. The project's own constants.

export const LRF_INTRO = 'The learning-rate range test trains the model for one short run while the learning rate grows from tiny to huge, ' +
  'one step at each rate, and records the loss. At first nothing happens (the steps are too small to matter), then the loss ' +
  'falls, then it turns and explodes. A good rate sits on the falling part, well before the bottom: at the bottom the steps are ' +
  'already so large that the next ones make things worse.';

// One line per suggestion rule (the names fastai uses).
export const RULES = {
  steep: 'steep: where the smoothed loss falls fastest per factor of learning rate (the most negative slope against log lr).',
  valley: 'valley: the longest run of points whose smoothed loss keeps going down (not necessarily neighbours), read off about half way along it.',
  minimum: 'minimum: the rate of the lowest smoothed loss divided by 10, one order of magnitude before the curve turns.',
  slide: 'slide: two points 15 steps apart slide left from the end of the curve until the slopes at both agree (within 0.005); the left one is the suggestion.',
};

export const TRIM_TEXT = 'As in fast.ai, the rules read the smoothed curve without its first tenth and its last five points. The loss axis '
  + 'is drawn as fastai plots it too: from the lowest smoothed loss to the highest before it, with a margin, so a raw spike or '
  + 'the explosion at the end runs off the top instead of squashing the part that matters.';

export const BAND_TEXT = 'The band is the range of the smoothed curves over several seeds (each seed a different initialisation and ' +
  'batch order); the bar under each suggestion\'s label is how far that suggestion moves between the seeds. A rule whose ' +
  'bar spans a factor of ten is telling you the order of magnitude, not the number.';

export const SEND_TEXT = 'Send the chosen rate to the Training room as a constant learning rate, or as the peak of a one-cycle ' +
  'schedule (OneCycleLR with max_lr set to it): one-cycle starts at max_lr / 25, climbs to max_lr and anneals far below the start, ' +
  'so its peak can be larger than a rate you would keep constant.';
