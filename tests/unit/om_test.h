/* Shared includes for cmocka unit tests. */
#ifndef OM_TEST_H
#define OM_TEST_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#endif
