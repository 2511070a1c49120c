/* libFuzzer target: LambdaLR / MultiplicativeLR formulas. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steplab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[SL_FORMULA_MAX_LEN + 2];
    if (size > SL_FORMULA_MAX_LEN + 1) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    sl_formula f;
    if (sl_formula_compile(text, &f, "LambdaLR", "lr_lambda") != SL_STATUS_OK) return 0;
    if (!sl_formula_valid(&f)) abort(); /* everything the compiler emits must pass the untrusted-program check */
    static const double epochs[] = { 0, 1, 2, 7, 30, 1e6, -1, 0.5 };
    for (size_t i = 0; i < sizeof epochs / sizeof epochs[0]; i++) (void)sl_formula_eval(&f, epochs[i]);
    return 0;
}
