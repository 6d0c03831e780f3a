#include <pthread.h>
#include <stdio.h>
int x;
static void *f(void *a) { (void)a; for (int i = 0; i < 100000; i++) x++; return NULL; }
int main(void) { pthread_t t[2]; for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, f, NULL); for (int i = 0; i < 2; i++) pthread_join(t[i], NULL); printf("%d\n", x); return 0; }
