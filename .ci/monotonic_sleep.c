/*
 * Preloaded ahead of libfaketime in CI's shifted-clock pass (.ci/run).
 *
 * Python 3.11's time.sleep() waits with clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME).
 * libfaketime 0.9.10 (Debian's) shifts that deadline as if the monotonic clock were faked,
 * even with FAKETIME_DONT_FAKE_MONOTONIC=1, so the kernel gets a negative time and every
 * sleep fails with EINVAL (libfaketime issue #426, fixed upstream after 0.9.10). The
 * monotonic clock is not faked in that pass, so its sleeps go to the kernel untouched;
 * every other clock still goes through libfaketime.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_nanosleep_fn)(clockid_t, int, const struct timespec *, struct timespec *);

int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *req, struct timespec *rem)
{
    if (clock_id == CLOCK_MONOTONIC) {
        /* clock_nanosleep returns the error number; the raw syscall sets errno. */
        return syscall(SYS_clock_nanosleep, clock_id, flags, req, rem) == 0 ? 0 : errno;
    }
    clock_nanosleep_fn next = (clock_nanosleep_fn)dlsym(RTLD_NEXT, "clock_nanosleep");
    return next(clock_id, flags, req, rem);
}
