/*
 * live_swap.c — a live kernel swap through the C ABI. A thread hashes continuously (SHA-256 of a
 * 4 KiB buffer, every result checked) while the main thread applies a signed patch module, lets
 * it serve for a moment, and rolls it back, printing the active kernel and the dispatch
 * generation at each stage, the hashing rate per stage and the longest gap between two
 * consecutive hashes (the "stall" a swap causes).
 *
 *   live_swap <manifest.json> <payload.so> <trust-store.json> [op]     (op: hash.sha256)
 *
 * Exit status 0 after a swap and rollback with every hash correct; 1 if the patch is refused (the
 * step, the unchanged generation and where the audit record went are printed); 2 usage; 3 I/O.
 * The audit log goes to $XPS_PATCH_AUDIT_LOG when set.
 */
#include <xpscrypto.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static atomic_int stop;
static atomic_long hashes, bad;
static atomic_llong max_gap_ns;

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void *hasher(void *arg) {
    static uint8_t buf[4096];
    uint8_t want[32], got[32];
    size_t n;
    long long last = now_ns();
    (void)arg;
    memset(buf, 0x5c, sizeof buf);
    xps_hash(XPS_ALG_SHA256, buf, sizeof buf, want, sizeof want, &n);
    while (!atomic_load(&stop)) {
        long long t;
        if (xps_hash(XPS_ALG_SHA256, buf, sizeof buf, got, sizeof got, &n) != XPS_OK || memcmp(got, want, 32) != 0) atomic_fetch_add(&bad, 1);
        atomic_fetch_add(&hashes, 1);
        t = now_ns();
        if (t - last > atomic_load(&max_gap_ns)) atomic_store(&max_gap_ns, t - last);
        last = t;
    }
    return NULL;
}

static uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    uint8_t *b = NULL;
    long n;
    if (f == NULL) { perror(path); exit(3); }
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        (b = (uint8_t *)malloc((size_t)n + 1)) == NULL || fread(b, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "%s: read failed\n", path);
        exit(3);
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void stage(const char *what, const char *op, double seconds) {
    long h0 = atomic_load(&hashes);
    struct timespec d = {(time_t)seconds, (long)((seconds - (long)seconds) * 1e9)};
    nanosleep(&d, NULL);
    printf("  %-10s generation %-4llu %-14s %-22s %8.0f hashes/s\n", what, (unsigned long long)xps_dispatch_generation(), op,
           xps_dispatch_active_kernel(op), (double)(atomic_load(&hashes) - h0) / seconds);
}

int main(int argc, char **argv) {
    size_t ml, pl, tl;
    uint8_t *m, *p, *t;
    const char *op = argc > 4 ? argv[4] : "hash.sha256";
    xps_patch_report rep;
    pthread_t th;
    long long t0;
    xps_status st;
    if (argc < 4) {
        fprintf(stderr, "usage: live_swap <manifest.json> <payload.so> <trust-store.json> [op]\n");
        return 2;
    }
    m = slurp(argv[1], &ml);
    p = slurp(argv[2], &pl);
    t = slurp(argv[3], &tl);
    if (xps_init() != XPS_OK) return 1;
    printf("live swap of %s while a thread hashes 4 KiB messages:\n", op);
    pthread_create(&th, NULL, hasher, NULL);
    stage("before", op, 0.3);
    t0 = now_ns();
    {
        unsigned long long g_before = (unsigned long long)xps_dispatch_generation();
        st = xps_patch_apply(m, ml, p, pl, t, tl, 0, &rep);
        if (st != XPS_OK) {
            const char *audit = getenv("XPS_PATCH_AUDIT_LOG");
            printf("  apply refused at step %s (%s): %s\n", xps_patch_step_name(st) ? xps_patch_step_name(st) : "?", xps_status_name(st),
                   xps_last_error_detail());
            printf("  generation %llu -> %llu (unchanged), %s still active; audit record in %s\n", g_before,
                   (unsigned long long)xps_dispatch_generation(), xps_dispatch_active_kernel(op),
                   audit && *audit ? audit : "memory only (set XPS_PATCH_AUDIT_LOG for a file)");
            stage("refused", op, 0.2);
            atomic_store(&stop, 1);
            pthread_join(th, NULL);
            printf("  %ld hashes checked, %ld wrong\n", atomic_load(&hashes), atomic_load(&bad));
            return 1;
        }
    }
    printf("  applied patch %s v%llu (%u signer(s)) in %.2f ms: generation %llu -> %llu\n", rep.patch_id, (unsigned long long)rep.version,
           rep.signer_count, (double)(now_ns() - t0) / 1e6, (unsigned long long)rep.previous_generation, (unsigned long long)rep.new_generation);
    stage("patched", op, 0.3);
    st = xps_patch_rollback(&rep);
    printf("  rolled back %s: generation %llu -> %llu (%s)\n", rep.patch_id, (unsigned long long)rep.previous_generation,
           (unsigned long long)rep.new_generation, xps_status_name(st));
    stage("after", op, 0.3);
    atomic_store(&stop, 1);
    pthread_join(th, NULL);
    printf("  %ld hashes checked, %ld wrong; longest gap between two hashes %.3f ms\n", atomic_load(&hashes), atomic_load(&bad),
           (double)atomic_load(&max_gap_ns) / 1e6);
    free(m);
    free(p);
    free(t);
    if (atomic_load(&bad) != 0 || st != XPS_OK) return 1;
    printf("live swap ok\n");
    return 0;
}
