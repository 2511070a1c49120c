// dist/steplab-digits.js (bundled by build.sh): the optical digits' pixels, c/data/digits.bin.gz,
// as a classic script, for pages opened from file:// where fetch cannot read steplab-digits.bin.gz.
// web/shared/digits.js adds it to the page when the digits are needed; it hands the bytes over in
// one event and keeps nothing.
import bytes from '../../c/data/digits.bin.gz';

document.dispatchEvent(new CustomEvent('steplab-asset', { detail: { name: 'digits', bytes } }));
