/* Runs every native C test area and prints the closing line "N passed, N failed". */
#include "check.h"

int sl_checks_passed, sl_checks_failed;

void test_base(void);
void test_schedules(void);
void test_losses(void);
void test_optimizers(void);
void test_surfaces(void);
void test_restore(void);
void test_data(void);
void test_csv(void);
void test_csv_text(void);
void test_model(void);
void test_train(void);
void test_train_state(void);
void test_abi(void);
void test_custom(void);

int main(void)
{
    test_base();
    test_schedules();
    test_losses();
    test_optimizers();
    test_surfaces();
    test_restore();
    test_data();
    test_csv();
    test_csv_text();
    test_model();
    test_train();
    test_train_state();
    test_abi();
    test_custom();
    printf("%d passed, %d failed\n", sl_checks_passed, sl_checks_failed);
    return sl_checks_failed ? 1 : 0;
}
