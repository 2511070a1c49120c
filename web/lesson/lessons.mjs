// steplab's lesson compiler, bundled by build.sh (with markdown-it, markdown-it-container and temml) into
// dist/steplab-lessons.mjs: what `steplab lesson` runs and what the lesson tests import.
export { compileLesson } from './compile.mjs';
export { lessonPage, indexPage } from './page.mjs';
export { figureResult, settledSpec, trainConfig, verifyLesson, verifyClaims, verifyChallenges, checkFigures } from './measure.mjs';
export { lessonCommand, buildFolder, buildLesson, HELP } from './command.mjs';
export { LessonSyntaxError, holds, valueOf, parseConditions, parseQuantity, VOCABULARY, formatValue } from './quantity.mjs';
export { figureSpec, KINDS, allowedAttributes } from './figures.mjs';
