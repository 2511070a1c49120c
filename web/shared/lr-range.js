// The loss axis of a learning-rate range test, for the LR finder room and <steplab-lrfinder>.

/**
 * The loss axis as fastai draws the range test: the first few steps and the diverging tail left out,
 * from the least smoothed loss (or the seeds' lowest) to the highest smoothed loss between the start
 * and that minimum, with a margin; raw spikes run off the chart instead of flattening the curve.
 * null when there is too little to go on (the chart's own range).
 */
export function lossRange(smoothed, lows) {
  const v = Array.from(smoothed);
  const n = v.length;
  const skip = Math.min(10, Math.floor(n / 10));
  let at = -1;
  for (let i = skip; i < n; i++) if (Number.isFinite(v[i]) && (at < 0 || v[i] < v[at])) at = i;
  if (at < 0) return null;
  let lo = v[at], hi = v[at];
  for (let i = skip; i <= at; i++) if (Number.isFinite(v[i])) hi = Math.max(hi, v[i]);
  if (lows) for (let i = skip; i < Math.min(lows.length, n); i++) if (Number.isFinite(lows[i])) lo = Math.min(lo, lows[i]);
  const pad = Math.max(0.1 * (hi - lo), 1e-3 * Math.abs(hi) || 1e-3);
  return [lo - pad, hi + 3.5 * pad]; // headroom for the suggestions' labels
}
