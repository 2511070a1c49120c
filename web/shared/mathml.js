// Tiny builders for the rooms' MathML formulas. Only the project's own
// constants go through them (never data from outside).
export const mi = (x) => `<mi>${x}</mi>`;
export const mn = (x) => `<mn>${x}</mn>`;
export const mo = (x) => `<mo>${x}</mo>`;
export const row = (...xs) => `<mrow>${xs.join('')}</mrow>`;
export const sub = (a, b) => `<msub>${a}${b}</msub>`;
export const sup = (a, b) => `<msup>${a}${b}</msup>`;
export const frac = (a, b) => `<mfrac>${a}${b}</mfrac>`;
export const sqrt = (x) => `<msqrt>${x}</msqrt>`;
export const paren = (...xs) => row(mo('('), ...xs, mo(')'));
export const math = (...xs) => `<math display="block">${row(...xs)}</math>`;
// One formula per line, as a one-column table.
export const lines = (...rows) => `<math display="block"><mtable>${rows.map((r) => `<mtr><mtd>${r}</mtd></mtr>`).join('')}</mtable></math>`;
