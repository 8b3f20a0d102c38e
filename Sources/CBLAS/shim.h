// OpenBLAS's CBLAS interface plus the few LAPACK routines Focal calls.
// Debian puts cblas.h in a threading-specific folder that pkg-config names.
#include <cblas.h>

// Symmetric positive-definite solve (LAPACK, shipped inside libopenblas).
void sposv_(const char *uplo, const int *n, const int *nrhs, float *a, const int *lda,
            float *b, const int *ldb, int *info);
void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda,
            double *b, const int *ldb, int *info);
